// The one KIS REST pipeline: token, headers (tr_id by environment), the shared priority rate limiter, the rt_cd check
// on every HTTP status, paging, read retries, and orders never retried (lost after sending = KisOutcomeUnknown). It
// calls undici's dispatch API directly: @effect/platform's undici HttpClient adds 250-400 µs a read over it on
// loopback, spans off (URL, AbortController and Readable body per request; bench/kis-pipeline.ts), far beyond
// the 50 µs budget. One client per app key.
import { Chunk, Clock, Context, DefaultServices, Duration, Effect, Fiber, FiberRef, Layer, LogLevel, Option, Redacted, Schedule, Schema, Stream, Tracer } from "effect"
import { Headers } from "@effect/platform"
import { Agent, type Dispatcher } from "undici"
import {
  AUTO_PARAMS, autoParamsOf, checkParams, decodeResponse, type EndpointSpec, type ParamsOf, type ResponseOf, type VariantOf
} from "./catalog/define.js"
import {
  KisApiError, KisAuthenticationError, KisDecodeError, KisNotOnMock, KisOutcomeUnknown, type KisOrderError,
  KisRateLimitError, type KisReadError, KisTransportError, KisValidationError
} from "./errors.js"
import { KisConfig, type KisSettings } from "./KisConfig.js"
import { ApprovalResponse, HashkeyResponse, RevokeResponse, TokenResponse } from "./schema/oauth.js"
import { DEFAULT_WINDOW_MARGIN, makeKisRateLimiter, type RateSlot, type RequestPriority } from "./rateLimit.js"
import { type CachedToken, DEFAULT_TOKEN_POLICY, kstWallClockToEpoch, makeTokenManager, tokenFilePath, type TokenPolicy } from "./token.js"

/** Headers that carry credentials; redacted wherever @effect/platform renders headers (logs, spans). */
export const KIS_SECRET_HEADERS = ["appkey", "appsecret", "authorization", "hashkey", "secretkey"] as const

/** Adds the KIS credential headers to the names @effect/platform redacts (it only knows authorization & co). */
export const RedactKisHeaders = Layer.fiberRefLocallyScopedWith(Headers.currentRedactedNames, (names) => [...names, ...KIS_SECRET_HEADERS])

export interface KisClientSettings {
  readonly tokenPolicy: TokenPolicy
  /** Backoff for reads after EGW00201 or a transient failure. Never applied to orders. */
  readonly readRetry: Schedule.Schedule<unknown, KisReadError>
  /** Time allowed from sending a request to its full response (rate-limiter queueing excluded). */
  readonly requestTimeout: Duration.Duration
  /** Send a hashkey (from /uapi/hashkey) with order bodies. Optional on KIS; costs one extra request. */
  readonly useHashkey: boolean
  /** Default cap on continuation pages collected by `collect`. */
  readonly maxPages: number
  /** Slack added to the rate limiter's one-second window for send-to-arrival jitter (default 25 ms). */
  readonly rateWindowMargin?: Duration.Duration
}

export const DEFAULT_READ_RETRY: Schedule.Schedule<unknown, KisReadError> = Schedule.exponential("200 millis").pipe(
  Schedule.union(Schedule.spaced("5 seconds")),
  Schedule.jittered,
  Schedule.intersect(Schedule.recurs(5))
)

/** Tunables of the client; tests shorten the waits, production uses the defaults. */
export class KisClientOptions extends Context.Reference<KisClientOptions>()("trader/KisClientOptions", {
  defaultValue: (): KisClientSettings => ({
    tokenPolicy: DEFAULT_TOKEN_POLICY,
    readRetry: DEFAULT_READ_RETRY,
    requestTimeout: Duration.seconds(15),
    useHashkey: false,
    maxPages: 10
  })
}) {}

/** Gateway codes meaning the access token is expired, invalid or unknown: refresh once, replay reads only. */
const TOKEN_REJECTED = new Set(["EGW00121", "EGW00122", "EGW00123"])
/** Gateway/routing failures that happen before KIS processes a read: safe to retry. */
const TRANSIENT_CODES = new Set(["EGW00002", "EGW00202", "EGW00203", "EGW00300"])
/** undici / libuv codes that mean no request byte left: no connection, or a request undici refused to build. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_INVALID_ARG"])
const JSON_CONTENT = "application/json; charset=utf-8"
const JSON_HEADERS: ReadonlyArray<string> = ["content-type", JSON_CONTENT]

const errorCode = (cause: unknown): string | undefined => {
  for (let c = cause, depth = 0; c !== null && typeof c === "object" && depth < 6; depth++) {
    const code = (c as { code?: unknown }).code
    if (typeof code === "string") return code
    c = (c as { cause?: unknown }).cause
  }
  return undefined
}

const isTokenRejection = (e: KisOrderError): e is KisApiError => e._tag === "KisApiError" && TOKEN_REJECTED.has(e.msgCode)

const isTransientRead = (e: KisOrderError): boolean =>
  e._tag === "KisRateLimitError" || e._tag === "KisTransportError" || (e._tag === "KisApiError" && TRANSIENT_CODES.has(e.msgCode))

/** The tracer Effect installs by default: it exports nothing, so a span under it is pure cost. */
const BUILT_IN_TRACER = Context.get(DefaultServices.liveServices, Tracer.Tracer)

type ExchangeError = KisTransportError | KisOutcomeUnknown | KisDecodeError | KisRateLimitError | KisAuthenticationError | KisApiError

/** One HTTP exchange as the pipeline sees it. */
interface WireRequest {
  readonly endpoint: string
  readonly method: "GET" | "POST"
  readonly path: string
  readonly trId: string
  readonly priority: RequestPriority
  readonly params: Readonly<Record<string, string>>
  readonly nextPage: boolean
}
interface WireResponse {
  readonly status: number
  /** Response header tr_cont: F/M = more pages, D/E = last. */
  readonly trCont: string
  readonly body: Record<string, unknown>
}
/**
 * How the fiber of a request goes on once an exchange ends: with the response, or with the recovery of a failure.
 * The handler resumes the fiber with one of the two, so a request that succeeds takes no step for the recoveries
 * (token refresh, read retries) around it. Continuations are small objects, never per-request closures: the tsx
 * runtime names every closure it sees created (Object.defineProperty, ~2 µs each).
 */
interface Continuation<A, E, Failure = ExchangeError> {
  ok(response: WireResponse): Effect.Effect<A, E>
  failed(error: Failure): Effect.Effect<A, E>
}
const PASS_THROUGH: Continuation<WireResponse, unknown, unknown> = { ok: Effect.succeed, failed: Effect.fail }
/** The continuation that hands the response or the failure on unchanged. */
const passThrough = <E>() => PASS_THROUGH as Continuation<WireResponse, E, E>
/** Applies a continuation to the outcome of an effect (the paths that cannot resume in one step). */
const continueWith = <A, E, F>(effect: Effect.Effect<WireResponse, F>, then: Continuation<A, E, F>): Effect.Effect<A, E> =>
  Effect.matchEffect(effect, { onSuccess: (r) => then.ok(r), onFailure: (e) => then.failed(e) })

export interface CallOptions<V extends string> {
  /** TR variant label (sell/buy, within_3_months/older_than_3_months, …); the default TR when absent. */
  readonly variant?: V
}
export interface CollectOptions<V extends string> extends CallOptions<V> {
  /** Fail with KisValidationError rather than silently truncate when more pages than this remain. */
  readonly maxPages?: number
}

type CallError<E> = E extends { readonly kind: "read" } ? KisReadError : KisOrderError

/** Picks the TR id for the environment, or the local answer: an unknown variant, or an endpoint mock lacks. */
const trIdOf = (spec: EndpointSpec, env: KisSettings["env"], variant?: string): string | KisValidationError | KisNotOnMock => {
  const pair = variant === undefined ? spec.tr : (spec.variants as Record<string, readonly [string, string | null]>)[variant]
  if (pair === undefined || pair === null) {
    return new KisValidationError({
      endpoint: spec.name,
      field: "variant",
      reason: variant === undefined ? "has no TR id (an OAuth endpoint)" : `must be one of ${Object.keys(spec.variants).join(", ")}`
    })
  }
  if (env === "mock") return pair[1] === null ? new KisNotOnMock({ endpoint: spec.name, path: spec.path }) : pair[1]
  return pair[0]
}

/** Picks the TR id for the environment; answers KisNotOnMock locally for endpoints the mock server lacks. */
export const trIdFor = (
  spec: EndpointSpec,
  env: KisSettings["env"],
  variant?: string
): Effect.Effect<string, KisValidationError | KisNotOnMock> => {
  const trId = trIdOf(spec, env, variant)
  return typeof trId === "string" ? Effect.succeed(trId) : Effect.fail(trId)
}

/** `k=v&…`, percent-encoded (KIS pads continuation keys with spaces and separates them with `^`). */
const queryString = (params: Readonly<Record<string, string>>): string => {
  let out = ""
  for (const k in params) out += `${out === "" ? "" : "&"}${encodeURIComponent(k)}=${encodeURIComponent(params[k]!)}`
  return out
}

/**
 * The deadlines of one client's requests, on one timer. Every request gets the same timeout, so deadlines fall in
 * start order: one timer set for the oldest open request covers them all (a timer per request costs ~5 µs to set
 * and clear). The timer is unref'd: an open request keeps the process alive through its socket.
 */
class Deadlines {
  private readonly open: Array<UndiciExchange<unknown, unknown>> = []
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly timeoutMs: number) {}

  add(exchange: UndiciExchange<unknown, unknown>): number {
    this.open.push(exchange)
    if (this.timer === undefined) this.arm(this.timeoutMs)
    return performance.now() + this.timeoutMs
  }

  /** Drops finished requests from the front (they finish roughly in start order). */
  trim(): void {
    while (this.open.length > 0 && this.open[0]!.finished) this.open.shift()
  }

  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.expire(), Math.max(0, ms))
    this.timer.unref()
  }

  private expire(): void {
    this.timer = undefined
    const now = performance.now()
    for (let first = this.open[0]; first !== undefined && (first.finished || first.deadline <= now); first = this.open[0]) {
      this.open.shift()
      if (!first.finished) first.cancel("timed out")
    }
    if (this.open.length > 0) this.arm(this.open[0]!.deadline - now)
  }
}

/**
 * The undici handler of one request: collects the body and resumes the waiting fiber once, with the continuation
 * of the response or of a classified failure. undici's dispatch API hands over the chunks directly, without the
 * Readable stream and the AbortSignal of its `request` API (together ~50 µs a request, measured); a class, not
 * closures, so a request allocates no functions.
 */
class UndiciExchange<A, E> implements Dispatcher.DispatchHandler {
  finished = false
  readonly deadline: number
  /** Observes the caller's fiber: a fiber waiting on a request ends first only when it is interrupted. */
  private readonly abandon: () => void
  private controller: Dispatcher.DispatchController | undefined
  private cancelled: "timed out" | "interrupted" | undefined
  private status = 0
  private trCont = ""
  private readonly chunks: Array<Buffer> = []

  constructor(
    private readonly req: WireRequest,
    private readonly isOrder: boolean,
    private readonly slot: RateSlot,
    private readonly then: Continuation<A, E>,
    private readonly resume: (next: Effect.Effect<A, E>) => void,
    private readonly deadlines: Deadlines,
    private readonly fiber: Fiber.RuntimeFiber<unknown, unknown>
  ) {
    this.deadline = deadlines.add(this as UndiciExchange<unknown, unknown>)
    this.abandon = () => this.cancel("interrupted") // assigned here: tsx names a field initializer's function (µs)
    fiber.addObserver(this.abandon)
  }

  cancel(why: "timed out" | "interrupted"): void {
    this.slot.settle()
    this.cancelled ??= why
    this.controller?.abort(new Error(`KIS request ${why}`)) // built only here: an Error captures a stack (µs)
  }

  /** undici is about to write the request on a connected socket: from here it counts against the rate limit. */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.cancelled !== undefined) controller.abort(new Error(`KIS request ${this.cancelled}`))
    else this.slot.sent()
  }

  onResponseStart(_: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | Array<string> | undefined>): void {
    this.status = statusCode
    const trCont = headers["tr_cont"]
    this.trCont = (Array.isArray(trCont) ? trCont[0] : trCont) ?? ""
  }

  onResponseData(_: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk)
  }

  onResponseEnd(): void {
    this.finish()
    const text = (this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks)).toString("utf8")
    let next: Effect.Effect<A, E>
    try {
      next = interpret(this.req, this.isOrder, this.status, this.trCont, text, this.then)
    } catch (defect) {
      next = Effect.die(defect) // a bug in a continuation must not escape into undici's parser
    }
    this.resume(next)
  }

  onResponseError(_: Dispatcher.DispatchController, cause: Error): void {
    this.finish()
    const { req, isOrder, status } = this
    const code = errorCode(cause) ?? "unknown"
    const beforeSend = status === 0 && NOT_SENT_CODES.has(code)
    const reason = this.cancelled === "timed out"
      ? (isOrder ? "no response in time" : "timed out")
      : `${status === 0 ? "connection failed" : "response lost"} (${code})`
    this.resume(this.then.failed(isOrder && !beforeSend
      ? new KisOutcomeUnknown({ trId: req.trId, path: req.path, reason })
      : new KisTransportError({ path: req.path, reason, beforeSend })))
  }

  private finish(): void {
    this.finished = true
    this.slot.settle()
    this.deadlines.trim()
    this.fiber.removeObserver(this.abandon)
  }
}

/** Reads the KIS envelope of a response, on any HTTP status, and goes on with the response or its classified failure. */
const interpret = <A, E>(req: WireRequest, isOrder: boolean, status: number, trCont: string, text: string, then: Continuation<A, E>): Effect.Effect<A, E> => {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  const object = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined
  if (object !== undefined && object["rt_cd"] === "0") return then.ok({ status, trCont, body: object })
  const code = object?.["rt_cd"] !== undefined ? String(object["msg_cd"] ?? "") : object?.["error_code"] !== undefined ? String(object["error_code"]) : undefined
  if (object !== undefined && object["rt_cd"] === undefined && code === undefined && status < 300) {
    return then.ok({ status, trCont, body: object }) // the OAuth endpoints answer without an envelope
  }
  if (code === undefined) {
    // No KIS envelope at all: a proxy page, a truncated body, a crash. Only a retry or reconciliation helps.
    const reason = `HTTP ${status} without a KIS envelope`
    return then.failed(isOrder
      ? new KisOutcomeUnknown({ trId: req.trId, path: req.path, reason })
      : status >= 500 ? new KisTransportError({ path: req.path, reason, beforeSend: false }) : new KisDecodeError({ endpoint: req.endpoint, field: "(body)", issue: reason }))
  }
  const text1 = String(object?.["msg1"] ?? object?.["msg"] ?? object?.["error_description"] ?? "").trim()
  if (code === "EGW00201") return then.failed(new KisRateLimitError({ trId: req.trId, path: req.path, status }))
  if (code === "EGW00103" || code === "EGW00105") return then.failed(new KisAuthenticationError({ code, description: text1 }))
  return then.failed(new KisApiError({ trId: req.trId, path: req.path, msgCode: code, msg1: text1, status }))
}

/**
 * The fiber a call runs in, and what its requests must do besides sending: log responses at debug level, open a
 * span. Read once per call.
 */
interface Caller {
  readonly fiber: Fiber.RuntimeFiber<unknown, unknown>
  readonly debug: boolean
  readonly traced: boolean
}
/** A fiber as a caller: its observation settings, read once per request. */
const callerOf = (fiber: Fiber.RuntimeFiber<unknown, unknown>): Caller => ({
  fiber,
  debug: fiber.getFiberRef(FiberRef.currentMinimumLogLevel).ordinal <= LogLevel.Debug.ordinal,
  traced: Context.get(fiber.getFiberRef(DefaultServices.currentServices), Tracer.Tracer) !== BUILT_IN_TRACER
})
/** Runs `f` with the calling fiber and its observation settings, in one step. */
const withCaller = <A, E>(f: (caller: Caller) => Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.withFiberRuntime((fiber) => f(callerOf(fiber)))

/** Orders are sent at most once; the OAuth posts (no TR id) travel as orders in the limiter but are not orders. */
const isOrderExchange = (req: WireRequest): boolean => req.priority === "order" && req.trId !== ""

/** The debug line of a response (callers skip it when debug logging is off). */
const logResponse = (req: WireRequest, r: WireResponse): Effect.Effect<void> =>
  Effect.logDebug("KIS response").pipe(
    Effect.annotateLogs({ status: r.status, msgCode: String(r.body["msg_cd"] ?? ""), kisPath: req.path, trId: req.trId }))

export class KisClient extends Effect.Service<KisClient>()("trader/KisClient", {
  scoped: Effect.gen(function* () {
    const cfg = yield* KisConfig
    const options = yield* KisClientOptions
    const limiter = yield* makeKisRateLimiter(cfg.requestsPerSecond, options.rateWindowMargin ?? DEFAULT_WINDOW_MARGIN)
    const pool = yield* Effect.acquireRelease(Effect.sync(() => new Agent()), (agent) => Effect.promise(() => agent.destroy()))
    const base = new URL(cfg.baseUrl)
    const prefix = base.pathname.replace(/\/+$/, "")
    const deadlines = yield* Effect.acquireRelease(
      Effect.sync(() => new Deadlines(Duration.toMillis(options.requestTimeout))), (open) => Effect.sync(() => open.close()))
    /** Token freshness is judged on the clock the client was built with (the limiter's too). */
    const clock = yield* Effect.clock
    const appKey = cfg.appKey, appSecret = cfg.appSecret

    /**
     * Puts one request on the wire under `slot`, bounded by the request deadline; never retried here. It gives the
     * async step no canceler: Effect wraps one in an interruption handler of several steps (~7 µs a request, measured),
     * and the exchange watches its caller's fiber instead, aborting when the fiber ends first.
     */
    const start = <A, E>(
      req: WireRequest, isOrder: boolean, headers: ReadonlyArray<string>, caller: Caller, slot: RateSlot,
      then: Continuation<A, E>, resume: (next: Effect.Effect<A, E>) => void
    ): void => {
      const isGet = req.method === "GET"
      const handler = new UndiciExchange(req, isOrder, slot, then, resume, deadlines, caller.fiber)
      pool.dispatch({
        origin: base.origin,
        path: prefix + req.path + (isGet ? `?${queryString(req.params)}` : ""),
        method: req.method,
        headers: headers as Array<string>,
        body: isGet ? null : JSON.stringify(req.params)
      }, handler)
    }

    /**
     * One request through the rate limiter, in one async step when a slot is free. The slot is taken inside the
     * async registration itself, so no interruption can fall between the grant and the handler that settles it;
     * otherwise the request queues and the continuation runs once it is over.
     */
    const transmit = <A, E>(req: WireRequest, isOrder: boolean, headers: ReadonlyArray<string>, caller: Caller, then: Continuation<A, E>) =>
      Effect.async<A, E>((resume) => {
        const slot = limiter.tryAcquire()
        if (slot !== undefined) return start(req, isOrder, headers, caller, slot, then, resume)
        const queued = limiter.withSlot(req.priority, (granted) =>
          Effect.async<WireResponse, ExchangeError>((resumeGranted) =>
            start(req, isOrder, headers, caller, granted, passThrough<ExchangeError>(), resumeGranted)))
        resume(continueWith(queued, then))
      })

    /** Sends one request and reads its envelope; a debug line and a span per request only when someone looks. */
    const exchange = <A, E>(req: WireRequest, headers: ReadonlyArray<string>, caller: Caller, then: Continuation<A, E>): Effect.Effect<A, E> => {
      const isOrder = isOrderExchange(req)
      if (!caller.debug && !caller.traced) return transmit(req, isOrder, headers, caller, then)
      const sent = transmit(req, isOrder, headers, caller, passThrough<ExchangeError>())
      const logged = caller.debug ? Effect.tap(sent, (r) => logResponse(req, r)) : sent
      const spanned = caller.traced
        ? Effect.withSpan(logged, "KisClient.request", { attributes: { endpoint: req.endpoint, trId: req.trId, path: req.path } })
        : logged
      return continueWith(spanned, then)
    }

    const oauthPost = <A, I>(path: string, body: Record<string, string>, schema: Schema.Schema<A, I>) => {
      const req: WireRequest = { endpoint: path, method: "POST", path, trId: "", priority: "order", params: body, nextPage: false }
      return withCaller((caller) => exchange(req, JSON_HEADERS, caller, passThrough<ExchangeError>())).pipe(
        Effect.catchTag("KisApiError", (e) => Effect.fail(new KisAuthenticationError({ code: e.msgCode, description: e.msg1 }))),
        Effect.flatMap((r) =>
          Schema.decodeUnknown(schema)(r.body).pipe(
            Effect.mapError(() => new KisDecodeError({ endpoint: path, field: "(body)", issue: "unexpected OAuth response shape" }))))
      )
    }

    const issueToken: Effect.Effect<CachedToken, KisAuthenticationError | KisTransportError> = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const r = yield* oauthPost("/oauth2/tokenP", {
        grant_type: "client_credentials", appkey: Redacted.value(appKey), appsecret: Redacted.value(appSecret)
      }, TokenResponse)
      const fromWallClock = r.access_token_token_expired === undefined ? undefined : kstWallClockToEpoch(r.access_token_token_expired)
      const fromSeconds = r.expires_in === undefined ? undefined : now + r.expires_in * 1000
      const expiresAt = Math.min(fromWallClock ?? Infinity, fromSeconds ?? Infinity)
      return { accessToken: r.access_token, issuedAt: now, expiresAt: Number.isFinite(expiresAt) ? expiresAt : now + 86_400_000 }
    }).pipe(
      Effect.catchTags({
        KisDecodeError: (e) => Effect.fail(new KisAuthenticationError({ code: "DECODE", description: e.message })),
        KisRateLimitError: () => Effect.fail(new KisTransportError({ path: "/oauth2/tokenP", reason: "rate limited (EGW00201)", beforeSend: false })),
        KisOutcomeUnknown: (e) => Effect.fail(new KisTransportError({ path: e.path, reason: e.reason, beforeSend: false }))
      })
    )

    const tokens = yield* makeTokenManager({
      file: tokenFilePath(cfg.tokenDir, cfg.env, appKey),
      policy: options.tokenPolicy,
      issue: issueToken
    })

    /**
     * The request headers of each TR id under the current token, built once as the flat name/value list undici
     * takes as it is; a new token starts new lists. They carry the credentials and are never rendered or logged.
     */
    const headerLists = { firstPage: new Map<string, ReadonlyArray<string>>(), nextPage: new Map<string, ReadonlyArray<string>>() }
    let headerToken: Redacted.Redacted<string> | undefined
    const headersFor = (req: WireRequest, token: Redacted.Redacted<string>): ReadonlyArray<string> => {
      if (token !== headerToken) { // the token manager hands out one Redacted per token
        headerLists.firstPage.clear()
        headerLists.nextPage.clear()
        headerToken = token
      }
      const lists = req.nextPage ? headerLists.nextPage : headerLists.firstPage
      let list = lists.get(req.trId)
      if (list === undefined) {
        list = [
          "content-type", JSON_CONTENT, "authorization", `Bearer ${Redacted.value(token)}`, "appkey", Redacted.value(appKey),
          "appsecret", Redacted.value(appSecret), "tr_id", req.trId, "custtype", cfg.custType,
          ...(req.nextPage ? ["tr_cont", "N"] : [])
        ]
        lists.set(req.trId, list)
      }
      return list
    }
    const hashkeyHeaders = ["content-type", JSON_CONTENT, "appkey", Redacted.value(appKey), "appsecret", Redacted.value(appSecret)]

    const hashkeyOf = (req: WireRequest, caller: Caller) =>
      exchange({ ...req, endpoint: "hashkey", path: "/uapi/hashkey", trId: "" }, hashkeyHeaders, caller, passThrough<ExchangeError>()).pipe(
        Effect.flatMap((r) => Schema.decodeUnknown(HashkeyResponse)(r.body)),
        Effect.map((r) => r.HASH),
        Effect.mapError((e): KisReadError => (e._tag === "ParseError" ? new KisDecodeError({ endpoint: "hashkey", field: "HASH", issue: "missing" }) : e._tag === "KisOutcomeUnknown" ? new KisTransportError({ path: e.path, reason: e.reason, beforeSend: false }) : e))
      )

    /** A failure of a preparatory request (token, hashkey): the request itself was provably not sent. */
    const notSentYet = (req: WireRequest) => <E extends KisReadError>(e: E): E | KisTransportError =>
      e._tag === "KisTransportError" ? new KisTransportError({ path: req.path, reason: `${e.path}: ${e.reason}`, beforeSend: true }) : e

    const needsHashkey = (req: WireRequest) => req.method === "POST" && req.priority === "order" && options.useHashkey

    const attempt = <A, E>(req: WireRequest, token: Redacted.Redacted<string>, caller: Caller, then: Continuation<A, E, KisOrderError>): Effect.Effect<A, E> => {
      const headers = headersFor(req, token)
      if (!needsHashkey(req)) return exchange(req, headers, caller, then)
      return Effect.matchEffect(hashkeyOf(req, caller), {
        onFailure: (e) => then.failed(notSentYet(req)(e)),
        onSuccess: (hash) => exchange(req, [...headers, "hashkey", hash], caller, then)
      })
    }

    /**
     * Sends with a valid token; an expired/invalid token is refreshed once and a read replayed once. The cached token
     * is read when `send` is called (not when the effect runs): callers build it inside the step that runs it.
     */
    const send = <A, E>(req: WireRequest, caller: Caller, then: Continuation<A, E, KisOrderError>): Effect.Effect<A, E> => {
      const cached = tokens.peek(clock.unsafeCurrentTimeMillis())
      if (cached !== undefined) return attempt(req, cached, caller, new AfterAttempt(req, cached, caller, then))
      return Effect.matchEffect(tokens.get, {
        onFailure: (e) => then.failed(notSentYet(req)(e)),
        onSuccess: (token) => attempt(req, token, caller, new AfterAttempt(req, token, caller, then))
      })
    }
    /** After one attempt: a rejected token is refreshed once (and a read replayed once); the rest goes on to `then`. */
    class AfterAttempt<A, E> implements Continuation<A, E, KisOrderError> {
      constructor(
        private readonly req: WireRequest,
        private readonly token: Redacted.Redacted<string>,
        private readonly caller: Caller,
        private readonly then: Continuation<A, E, KisOrderError>
      ) {}
      ok(response: WireResponse) {
        return this.then.ok(response)
      }
      failed(e: KisOrderError) {
        return isTokenRejection(e) ? refreshToken(this.req, this.token, e, this.caller, this.then) : this.then.failed(e)
      }
    }
    /** KIS rejected `stale`: it is forgotten; a read is replayed once with a new token, an order fails as it is. */
    const refreshToken = <A, E>(
      req: WireRequest, stale: Redacted.Redacted<string>, rejection: KisApiError, caller: Caller, then: Continuation<A, E, KisOrderError>
    ): Effect.Effect<A, E> =>
      Effect.gen(function* () {
        yield* tokens.invalidate(stale)
        yield* Effect.logWarning("KIS rejected the access token; refreshing").pipe(Effect.annotateLogs({ msgCode: rejection.msgCode }))
        if (req.priority === "order") return yield* then.failed(rejection) // rejected at the gateway; the caller decides
        const fresh = yield* Effect.either(tokens.get)
        if (fresh._tag === "Left") return yield* then.failed(fresh.left)
        const replayed = yield* Effect.either(attempt(req, fresh.right, caller, passThrough<KisOrderError>()))
        if (replayed._tag === "Right") return yield* then.ok(replayed.right)
        const again = replayed.left
        return yield* then.failed(again._tag === "KisApiError" && TOKEN_REJECTED.has(again.msgCode)
          ? new KisAuthenticationError({ code: again.msgCode, description: again.msg1 })
          : again)
      })

    /** A read's continuation: `then` with the response; after a transient failure, the read's retries first. */
    class AfterRead<A, E> implements Continuation<A, E, KisOrderError> {
      constructor(private readonly req: WireRequest, private readonly caller: Caller, private readonly then: Continuation<A, E, KisOrderError>) {}
      ok(response: WireResponse) {
        return this.then.ok(response)
      }
      failed(first: KisOrderError) {
        return isTransientRead(first) ? continueWith(retried(this.req, this.caller, first), this.then) : this.then.failed(first)
      }
    }

    /**
     * One request of a call, as a single async step of the caller's fiber: in the usual case (token cached, a slot
     * free, no hashkey, nobody logging at debug level or tracing) the request starts within the step's registration,
     * with no step before it, exactly as `send` would start it. Otherwise the step goes on with `send`, which waits
     * for what is missing. Reads get their retries (AfterRead); orders go out once.
     */
    const launch = <A>(req: WireRequest, last: Continuation<A, KisOrderError, KisOrderError>): Effect.Effect<A, KisOrderError> =>
      Effect.async<A, KisOrderError>((resume) => {
        // The registration runs synchronously inside the fiber's run loop, where Effect keeps the running fiber.
        const fiber = Option.getOrUndefined(Fiber.getCurrentFiber())
        if (fiber === undefined) return resume(Effect.dieMessage("KisClient: a request ran outside a fiber"))
        const caller = callerOf(fiber)
        const then = req.priority === "order" ? last : new AfterRead(req, caller, last)
        const token = tokens.peek(clock.unsafeCurrentTimeMillis())
        if (token === undefined || caller.debug || caller.traced || needsHashkey(req)) return resume(send(req, caller, then))
        const slot = limiter.tryAcquire()
        if (slot === undefined) return resume(send(req, caller, then)) // queues for its slot (nothing was taken here)
        start(req, isOrderExchange(req), headersFor(req, token), caller, slot, new AfterAttempt(req, token, caller, then), resume)
      })
    /**
     * The retries of a read after its first transient failure, set up only then: the schedule's first step sees
     * that failure (replayed, nothing re-sent), exactly as if the whole read had run under Effect.retry.
     */
    const retried = (req: WireRequest, caller: Caller, first: KisOrderError): Effect.Effect<WireResponse, KisOrderError> => {
      let replayed = false
      const again = Effect.suspend(() => (replayed ? send(req, caller, passThrough<KisOrderError>()) : ((replayed = true), Effect.fail(first))))
      return Effect.retry(again, { schedule: options.readRetry as Schedule.Schedule<unknown, KisOrderError>, while: isTransientRead })
    }

    /** The wire request of a call, or the local answer when it cannot be sent (bad parameters, not on mock). */
    const prepare = (
      spec: EndpointSpec, params: Readonly<Record<string, string | undefined>>, variant?: string
    ): WireRequest | KisValidationError | KisNotOnMock => {
      const auto = autoParamsOf(spec)
      let withDefaults = params
      if (auto.length > 0) {
        const defaults: Record<string, string> = {}
        for (const name of auto) {
          defaults[name] = name === "CANO" ? Redacted.value(cfg.accountNumber) : name === "ACNT_PRDT_CD" ? cfg.accountProductCode : ""
        }
        withDefaults = { ...defaults, ...params }
      }
      const checked = checkParams(spec, withDefaults)
      if (checked instanceof KisValidationError) return checked
      const trId = trIdOf(spec, cfg.env, variant)
      if (typeof trId !== "string") return trId
      return {
        endpoint: spec.name, method: spec.method, path: spec.path, trId, nextPage: false, params: checked,
        priority: spec.kind === "order" ? "order" : "read"
      }
    }
    const isLocalAnswer = (req: WireRequest | KisValidationError | KisNotOnMock): req is KisValidationError | KisNotOnMock =>
      req instanceof KisValidationError || req instanceof KisNotOnMock

    const decodeOrUnknown = <E extends EndpointSpec>(spec: E, req: WireRequest, body: Record<string, unknown>) => {
      const decoded = decodeResponse(spec, body)
      if (!(decoded instanceof KisDecodeError)) return Effect.succeed(decoded)
      // An order answered with a body we cannot read may still have been accepted.
      return Effect.fail(spec.kind === "order" ? new KisOutcomeUnknown({ trId: req.trId, path: req.path, reason: decoded.message }) : decoded)
    }

    /** The last step of a call: its decoded body. */
    class DecodeBody<E extends EndpointSpec> implements Continuation<ResponseOf<E>, KisOrderError, KisOrderError> {
      constructor(private readonly spec: E, private readonly req: WireRequest) {}
      ok(response: WireResponse) {
        return decodeOrUnknown(this.spec, this.req, response.body)
      }
      failed(e: KisOrderError) {
        return Effect.fail(e)
      }
    }

    /**
     * Calls one endpoint once (first page) and decodes its body. Orders: exactly one send, never retried. The request
     * is prepared (checked) here; the token, the slot and the send are taken each time the effect runs.
     */
    const call = <E extends EndpointSpec>(spec: E, params: ParamsOf<E>, opts?: CallOptions<VariantOf<E>>): Effect.Effect<ResponseOf<E>, CallError<E>> => {
      const req = prepare(spec, params as Record<string, string>, opts?.variant)
      return (isLocalAnswer(req) ? Effect.fail(req) : launch(req, new DecodeBody(spec, req))) as Effect.Effect<ResponseOf<E>, CallError<E>>
    }

    /** One page of a paged read, and the request of the next page while KIS says more remain (tr_cont F or M). */
    class NextPage<E extends EndpointSpec> implements Continuation<readonly [ResponseOf<E>, Option.Option<WireRequest>], KisOrderError, KisOrderError> {
      constructor(private readonly spec: E, private readonly req: WireRequest) {}
      ok(res: WireResponse) {
        const { spec, req } = this
        return Effect.map(decodeOrUnknown(spec, req, res.body), (page) => {
          const more = spec.paged && (res.trCont === "F" || res.trCont === "M")
          if (!more) return [page, Option.none<WireRequest>()] as const
          const next: Record<string, string> = { ...req.params }
          for (const name of AUTO_PARAMS) {
            const v = res.body[name.toLowerCase()] ?? res.body[name]
            if (name.startsWith("CTX_AREA_") && name in next && typeof v === "string") next[name] = v
          }
          return [page, Option.some<WireRequest>({ ...req, params: next, nextPage: true })] as const
        })
      }
      failed(e: KisOrderError) {
        return Effect.fail(e)
      }
    }

    /** Every continuation page of a paged read (one page for unpaged endpoints), fetched lazily. */
    const pages = <E extends EndpointSpec>(spec: E, params: ParamsOf<E>, opts?: CallOptions<VariantOf<E>>): Stream.Stream<ResponseOf<E>, KisReadError> =>
      Stream.unwrap(Effect.suspend(() => {
        const first = prepare(spec, params as Record<string, string>, opts?.variant)
        if (isLocalAnswer(first)) return Effect.fail(first)
        // A read never ends in KisOutcomeUnknown: only orders are sent without retry and can be lost.
        return Effect.succeed(Stream.paginateEffect(first, (req) =>
          launch(req, new NextPage(spec, req)) as Effect.Effect<readonly [ResponseOf<E>, Option.Option<WireRequest>], KisReadError>))
      }))

    /** All pages of a paged read, failing rather than truncating beyond `maxPages`. */
    const collect = <E extends EndpointSpec>(spec: E, params: ParamsOf<E>, opts?: CollectOptions<VariantOf<E>>) => {
      const cap = opts?.maxPages ?? options.maxPages
      return pages(spec, params, opts).pipe(
        Stream.take(cap + 1),
        Stream.runCollect,
        Effect.flatMap((chunk) =>
          chunk.length > cap
            ? Effect.fail(new KisValidationError({ endpoint: spec.name, field: "maxPages", reason: `exceeded: more than ${cap} pages remain; raise the cap or narrow the query` }))
            : Effect.succeed(Chunk.toReadonlyArray(chunk)))
      )
    }

    /** A WebSocket approval key (/oauth2/Approval; the body names the secret `secretkey`). */
    const approvalKey = oauthPost("/oauth2/Approval", {
      grant_type: "client_credentials", appkey: Redacted.value(appKey), secretkey: Redacted.value(appSecret)
    }, ApprovalResponse).pipe(Effect.map((r) => Redacted.make(r.approval_key)))

    /** Revokes the cached access token (/oauth2/revokeP) and forgets it; no-op when none is cached. */
    const revokeToken = Effect.gen(function* () {
      const token = yield* tokens.current
      if (Option.isNone(token)) return
      yield* oauthPost("/oauth2/revokeP", {
        appkey: Redacted.value(appKey), appsecret: Redacted.value(appSecret), token: Redacted.value(token.value)
      }, RevokeResponse)
      yield* tokens.forget
    })

    return {
      settings: cfg,
      call,
      pages,
      collect,
      approvalKey,
      revokeToken,
      /** The current access token (issuing one if needed), e.g. for tools that talk to KIS directly. */
      accessToken: tokens.get
    } as const
  })
}) {}
