// The one KIS REST pipeline: token, headers (tr_id by environment), the shared priority rate limiter, the rt_cd check
// on every HTTP status, paging, read retries, and orders never retried (lost after sending = KisOutcomeUnknown). It
// calls undici's dispatch API directly: @effect/platform's HttpClient alone costs more per request than the 50 µs
// budget (tracer and redaction fiber refs, scoped body, timeout fibers; bench/kis-pipeline.ts). One client per app key.
import { Chunk, Clock, Context, DefaultServices, Duration, Effect, type Fiber, FiberRef, Layer, LogLevel, Option, Redacted, Schedule, Schema, Stream, Tracer } from "effect"
import { Headers } from "@effect/platform"
import { Agent, type Dispatcher } from "undici"
import {
  AUTO_PARAMS, checkParams, decodeResponse, type EndpointSpec, type ParamsOf, type ResponseOf, type VariantOf
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

const errorCode = (cause: unknown): string | undefined => {
  for (let c = cause, depth = 0; c !== null && typeof c === "object" && depth < 6; depth++) {
    const code = (c as { code?: unknown }).code
    if (typeof code === "string") return code
    c = (c as { cause?: unknown }).cause
  }
  return undefined
}

const isTokenRejection = (e: KisOrderError): e is KisApiError => e._tag === "KisApiError" && TOKEN_REJECTED.has(e.msgCode)

const isTransientRead = (e: KisReadError): boolean =>
  e._tag === "KisRateLimitError" || e._tag === "KisTransportError" || (e._tag === "KisApiError" && TRANSIENT_CODES.has(e.msgCode))

/** The tracer Effect installs by default: it exports nothing, so a span under it is pure cost. */
const BUILT_IN_TRACER = Context.get(DefaultServices.liveServices, Tracer.Tracer)

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
/** What came back on the wire, before the envelope is read. */
interface RawResponse {
  readonly status: number
  readonly trCont: string
  readonly text: string
}

export interface CallOptions<V extends string> {
  /** TR variant label (sell/buy, within_3_months/older_than_3_months, …); the default TR when absent. */
  readonly variant?: V
}
export interface CollectOptions<V extends string> extends CallOptions<V> {
  /** Fail with KisValidationError rather than silently truncate when more pages than this remain. */
  readonly maxPages?: number
}

type ExchangeError = KisTransportError | KisOutcomeUnknown | KisDecodeError | KisRateLimitError | KisAuthenticationError | KisApiError
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
 * The undici handler of one request: collects the body and resumes the waiting fiber once, with the response or a
 * classified failure. undici's dispatch API hands over the chunks directly, without the Readable stream and the
 * AbortSignal of its `request` API (together ~50 µs a request, measured); a class, not closures, so a request
 * allocates no functions. The deadline is a plain timer (the I/O it bounds is real); spans are opened only under
 * a real tracer, debug lines only at debug level; credentials sit in headers that are never rendered or logged.
 */
class UndiciExchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined
  private cancelled: "timed out" | "interrupted" | undefined
  private status = 0
  private trCont = ""
  private readonly chunks: Array<Buffer> = []
  private readonly deadline: ReturnType<typeof setTimeout>

  constructor(
    private readonly req: WireRequest,
    private readonly isOrder: boolean,
    private readonly slot: RateSlot,
    private readonly resume: (result: Effect.Effect<RawResponse, KisTransportError | KisOutcomeUnknown>) => void,
    timeoutMs: number
  ) {
    this.deadline = setTimeout(() => this.cancel("timed out"), timeoutMs)
  }

  cancel(why: "timed out" | "interrupted"): void {
    clearTimeout(this.deadline)
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
    clearTimeout(this.deadline)
    this.slot.settle()
    const text = (this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks)).toString("utf8")
    this.resume(Effect.succeed({ status: this.status, trCont: this.trCont, text }))
  }

  onResponseError(_: Dispatcher.DispatchController, cause: Error): void {
    clearTimeout(this.deadline)
    this.slot.settle()
    const { req, isOrder, status } = this
    const code = errorCode(cause) ?? "unknown"
    const beforeSend = status === 0 && NOT_SENT_CODES.has(code)
    const reason = this.cancelled === "timed out"
      ? (isOrder ? "no response in time" : "timed out")
      : `${status === 0 ? "connection failed" : "response lost"} (${code})`
    this.resume(Effect.fail(isOrder && !beforeSend
      ? new KisOutcomeUnknown({ trId: req.trId, path: req.path, reason })
      : new KisTransportError({ path: req.path, reason, beforeSend })))
  }
}

/** Reads the KIS envelope of a response, on any HTTP status; classifies every failure for the caller. */
const interpret = (req: WireRequest, isOrder: boolean, raw: RawResponse): Effect.Effect<WireResponse, ExchangeError> => {
  let body: unknown
  try {
    body = JSON.parse(raw.text)
  } catch {
    body = undefined
  }
  const status = raw.status
  const object = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined
  if (object !== undefined && object["rt_cd"] === "0") return Effect.succeed({ status, trCont: raw.trCont, body: object })
  const code = object?.["rt_cd"] !== undefined ? String(object["msg_cd"] ?? "") : object?.["error_code"] !== undefined ? String(object["error_code"]) : undefined
  if (object !== undefined && object["rt_cd"] === undefined && code === undefined && status < 300) {
    return Effect.succeed({ status, trCont: raw.trCont, body: object }) // the OAuth endpoints answer without an envelope
  }
  if (code === undefined) {
    // No KIS envelope at all: a proxy page, a truncated body, a crash. Only a retry or reconciliation helps.
    const reason = `HTTP ${status} without a KIS envelope`
    return Effect.fail(isOrder
      ? new KisOutcomeUnknown({ trId: req.trId, path: req.path, reason })
      : status >= 500 ? new KisTransportError({ path: req.path, reason, beforeSend: false }) : new KisDecodeError({ endpoint: req.endpoint, field: "(body)", issue: reason }))
  }
  const text1 = String(object?.["msg1"] ?? object?.["msg"] ?? object?.["error_description"] ?? "").trim()
  if (code === "EGW00201") return Effect.fail(new KisRateLimitError({ trId: req.trId, path: req.path, status }))
  if (code === "EGW00103" || code === "EGW00105") return Effect.fail(new KisAuthenticationError({ code, description: text1 }))
  return Effect.fail(new KisApiError({ trId: req.trId, path: req.path, msgCode: code, msg1: text1, status }))
}

/** What a request must do besides sending: log responses at debug level, open a span. Read once per call. */
interface Observation {
  readonly debug: boolean
  readonly traced: boolean
}
const observationOf = (fiber: Fiber.RuntimeFiber<unknown, unknown>): Observation => ({
  debug: !LogLevel.greaterThan(fiber.getFiberRef(FiberRef.currentMinimumLogLevel), LogLevel.Debug),
  traced: Context.get(fiber.getFiberRef(DefaultServices.currentServices), Tracer.Tracer) !== BUILT_IN_TRACER
})
/** Runs `f` with the calling fiber's observation settings, in one step. */
const observed = <A, E>(f: (seen: Observation) => Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.withFiberRuntime((fiber) => f(observationOf(fiber)))

/** The debug line of a response (callers skip it when debug logging is off). */
const logResponse = (req: WireRequest, r: WireResponse): Effect.Effect<void> =>
  Effect.logDebug("KIS response").pipe(
    Effect.annotateLogs({ status: r.status, msgCode: String(r.body["msg_cd"] ?? ""), kisPath: req.path, trId: req.trId }))

/** Parameters the client fills in for an endpoint (account, empty continuation keys), computed once per endpoint. */
const autoDefaults = new WeakMap<EndpointSpec, ReadonlyArray<string>>()
const autoParamsOf = (spec: EndpointSpec): ReadonlyArray<string> => {
  let names = autoDefaults.get(spec)
  if (names === undefined) {
    const declared = new Set<string>([...spec.required, ...spec.optional])
    names = AUTO_PARAMS.filter((name) => declared.has(name))
    autoDefaults.set(spec, names)
  }
  return names
}

export class KisClient extends Effect.Service<KisClient>()("trader/KisClient", {
  scoped: Effect.gen(function* () {
    const cfg = yield* KisConfig
    const options = yield* KisClientOptions
    const limiter = yield* makeKisRateLimiter(cfg.requestsPerSecond, options.rateWindowMargin ?? DEFAULT_WINDOW_MARGIN)
    const pool = yield* Effect.acquireRelease(Effect.sync(() => new Agent()), (agent) => Effect.promise(() => agent.destroy()))
    const base = new URL(cfg.baseUrl)
    const prefix = base.pathname.replace(/\/+$/, "")
    const timeoutMs = Duration.toMillis(options.requestTimeout)
    /** Token freshness is judged on the clock the client was built with (the limiter's too). */
    const clock = yield* Effect.clock
    const appKey = cfg.appKey, appSecret = cfg.appSecret

    /** Puts one request on the wire under `slot`, bounded by the request deadline; never retried here. */
    const start = (
      req: WireRequest, isOrder: boolean, headers: Record<string, string>, slot: RateSlot,
      resume: (result: Effect.Effect<RawResponse, KisTransportError | KisOutcomeUnknown>) => void
    ) => {
      const isGet = req.method === "GET"
      const handler = new UndiciExchange(req, isOrder, slot, resume, timeoutMs)
      pool.dispatch({
        origin: base.origin,
        path: prefix + req.path + (isGet ? `?${queryString(req.params)}` : ""),
        method: req.method,
        headers,
        body: isGet ? null : JSON.stringify(req.params)
      }, handler)
      return Effect.sync(() => handler.cancel("interrupted"))
    }

    /**
     * One request through the rate limiter. A free slot is taken inside the async registration itself, so no
     * interruption can fall between the grant and the handler that settles it; otherwise the request queues.
     */
    const transmit = (req: WireRequest, isOrder: boolean, headers: Record<string, string>) =>
      Effect.async<RawResponse, KisTransportError | KisOutcomeUnknown>((resume) => {
        const slot = limiter.tryAcquire()
        if (slot !== undefined) return start(req, isOrder, headers, slot, resume)
        resume(limiter.withSlot(req.priority, (granted) =>
          Effect.async<RawResponse, KisTransportError | KisOutcomeUnknown>((resumeGranted) => start(req, isOrder, headers, granted, resumeGranted))))
      })

    /** Sends one request and reads its envelope; a span per request under a real tracer. */
    const exchange = (req: WireRequest, headers: Record<string, string>, seen: Observation): Effect.Effect<WireResponse, ExchangeError> => {
      const isOrder = req.priority === "order" && req.trId !== ""
      const sent = Effect.flatMap(transmit(req, isOrder, headers), (raw) => {
        const response = interpret(req, isOrder, raw)
        return seen.debug ? Effect.tap(response, (r) => logResponse(req, r)) : response
      })
      return seen.traced
        ? Effect.withSpan(sent, "KisClient.request", { attributes: { endpoint: req.endpoint, trId: req.trId, path: req.path } })
        : sent
    }

    const oauthPost = <A, I>(path: string, body: Record<string, string>, schema: Schema.Schema<A, I>) => {
      const req: WireRequest = { endpoint: path, method: "POST", path, trId: "", priority: "order", params: body, nextPage: false }
      return observed((seen) => exchange(req, { "content-type": JSON_CONTENT }, seen)).pipe(
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

    const hashkeyOf = (req: WireRequest, seen: Observation) =>
      exchange({ ...req, endpoint: "hashkey", path: "/uapi/hashkey", trId: "" }, {
        "content-type": JSON_CONTENT, appkey: Redacted.value(appKey), appsecret: Redacted.value(appSecret)
      }, seen).pipe(
        Effect.flatMap((r) => Schema.decodeUnknown(HashkeyResponse)(r.body)),
        Effect.map((r) => r.HASH),
        Effect.mapError((e): KisReadError => (e._tag === "ParseError" ? new KisDecodeError({ endpoint: "hashkey", field: "HASH", issue: "missing" }) : e._tag === "KisOutcomeUnknown" ? new KisTransportError({ path: e.path, reason: e.reason, beforeSend: false }) : e))
      )

    /** A failure of a preparatory request (token, hashkey): the request itself was provably not sent. */
    const notSentYet = (req: WireRequest) => <E extends KisReadError>(e: E): E | KisTransportError =>
      e._tag === "KisTransportError" ? new KisTransportError({ path: req.path, reason: `${e.path}: ${e.reason}`, beforeSend: true }) : e

    const attempt = (req: WireRequest, token: Redacted.Redacted<string>, seen: Observation): Effect.Effect<WireResponse, KisOrderError> => {
      const headers: Record<string, string> = {
        "content-type": JSON_CONTENT,
        authorization: `Bearer ${Redacted.value(token)}`,
        appkey: Redacted.value(appKey),
        appsecret: Redacted.value(appSecret),
        tr_id: req.trId,
        custtype: cfg.custType
      }
      if (req.nextPage) headers["tr_cont"] = "N"
      if (!(req.method === "POST" && req.priority === "order" && options.useHashkey)) return exchange(req, headers, seen)
      return hashkeyOf(req, seen).pipe(
        Effect.mapError(notSentYet(req)),
        Effect.flatMap((hash) => exchange(req, { ...headers, hashkey: hash }, seen)))
    }

    /**
     * Sends with a valid token; an expired/invalid token is refreshed once and a read replayed once. The cached token
     * is read when `send` is called (not when the effect runs): callers build it inside the step that runs it.
     */
    const send = (req: WireRequest, seen: Observation): Effect.Effect<WireResponse, KisOrderError> => {
      const cached = tokens.peek(clock.unsafeCurrentTimeMillis())
      if (cached !== undefined) return sendWith(req, cached, seen)
      return Effect.flatMap(Effect.mapError(tokens.get, notSentYet(req)), (token) => sendWith(req, token, seen))
    }
    const sendWith = (req: WireRequest, token: Redacted.Redacted<string>, seen: Observation): Effect.Effect<WireResponse, KisOrderError> =>
      Effect.catchIf(attempt(req, token, seen), isTokenRejection, (e) =>
        Effect.gen(function* () {
          yield* tokens.invalidate(token)
          yield* Effect.logWarning("KIS rejected the access token; refreshing").pipe(Effect.annotateLogs({ msgCode: e.msgCode }))
          if (req.priority === "order") return yield* Effect.fail(e) // rejected at the gateway; the caller decides
          const fresh = yield* tokens.get
          return yield* attempt(req, fresh, seen).pipe(
            Effect.catchTag("KisApiError", (again) =>
              Effect.fail(TOKEN_REJECTED.has(again.msgCode) ? new KisAuthenticationError({ code: again.msgCode, description: again.msg1 }) : again))
          )
        }))

    /**
     * A read with retries. The retry schedule is only set up after a transient failure: its first step sees that
     * failure (replayed, nothing re-sent), exactly as if the whole read ran under Effect.retry.
     */
    const sendRead = (req: WireRequest, seen: Observation): Effect.Effect<WireResponse, KisReadError> =>
      Effect.catchIf(send(req, seen) as Effect.Effect<WireResponse, KisReadError>, isTransientRead, (first) => {
        let replayed = false
        const again = Effect.suspend(() => (replayed ? send(req, seen) as Effect.Effect<WireResponse, KisReadError> : ((replayed = true), Effect.fail(first))))
        return Effect.retry(again, { schedule: options.readRetry, while: isTransientRead })
      })

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

    /** Calls one endpoint once (first page) and decodes its body. Orders: exactly one send, never retried. */
    const call = <E extends EndpointSpec>(spec: E, params: ParamsOf<E>, opts?: CallOptions<VariantOf<E>>): Effect.Effect<ResponseOf<E>, CallError<E>> =>
      observed((seen) => {
        const req = prepare(spec, params as Record<string, string>, opts?.variant)
        if (isLocalAnswer(req)) return Effect.fail(req)
        return Effect.flatMap(req.priority === "order" ? send(req, seen) : sendRead(req, seen), (res) => decodeOrUnknown(spec, req, res.body))
      }) as Effect.Effect<ResponseOf<E>, CallError<E>>

    /** Every continuation page of a paged read (one page for unpaged endpoints), fetched lazily. */
    const pages = <E extends EndpointSpec>(spec: E, params: ParamsOf<E>, opts?: CallOptions<VariantOf<E>>): Stream.Stream<ResponseOf<E>, KisReadError> =>
      Stream.unwrap(Effect.suspend(() => {
        const first = prepare(spec, params as Record<string, string>, opts?.variant)
        if (isLocalAnswer(first)) return Effect.fail(first)
        return Effect.succeed(Stream.paginateEffect(first, (req) =>
          observed((seen) => sendRead(req, seen)).pipe(Effect.flatMap((res) =>
            Effect.map(decodeOrUnknown(spec, req, res.body) as Effect.Effect<ResponseOf<E>, KisReadError>, (page) => {
              const more = spec.paged && (res.trCont === "F" || res.trCont === "M")
              if (!more) return [page, Option.none<WireRequest>()] as const
              const next: Record<string, string> = { ...req.params }
              for (const name of AUTO_PARAMS) {
                const v = res.body[name.toLowerCase()] ?? res.body[name]
                if (name.startsWith("CTX_AREA_") && name in next && typeof v === "string") next[name] = v
              }
              return [page, Option.some<WireRequest>({ ...req, params: next, nextPage: true })] as const
            })))))
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
