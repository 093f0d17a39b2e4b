// The one KIS REST pipeline every endpoint goes through: token, headers (tr_id chosen by environment), a shared
// priority rate limiter, the rt_cd envelope check on every HTTP status, continuation paging, read retries with
// jittered backoff, and orders that are never retried (a failure after the bytes left is KisOutcomeUnknown).
// Each KisClient owns one rate limiter: build its layer once per app key (layers are memoised by reference).
import { Headers, HttpClient, HttpClientRequest } from "@effect/platform"
import { Chunk, Clock, Context, Duration, Effect, Layer, Option, Redacted, Schedule, Schema, Stream } from "effect"
import {
  AUTO_PARAMS, checkParams, decodeResponse, type EndpointSpec, type ParamsOf, type ResponseOf, type VariantOf
} from "./catalog/define.js"
import {
  KisApiError, KisAuthenticationError, KisDecodeError, KisNotOnMock, KisOutcomeUnknown, type KisOrderError,
  KisRateLimitError, type KisReadError, KisTransportError, KisValidationError
} from "./errors.js"
import { KisConfig, type KisSettings } from "./KisConfig.js"
import { ApprovalResponse, HashkeyResponse, RevokeResponse, TokenResponse } from "./schema/oauth.js"
import { makeKisRateLimiter, type RequestPriority } from "./rateLimit.js"
import { type CachedToken, DEFAULT_TOKEN_POLICY, kstWallClockToEpoch, makeTokenManager, tokenFilePath, type TokenPolicy } from "./token.js"

/** Headers that carry credentials; redacted wherever @effect/platform renders headers (logs, spans). */
export const KIS_SECRET_HEADERS = ["appkey", "appsecret", "authorization", "hashkey", "secretkey"] as const

/** Adds the KIS credential headers to the names @effect/platform redacts (it only knows authorization & co). */
export const RedactKisHeaders = Layer.fiberRefLocallyScopedWith(Headers.currentRedactedNames, (names) => [...names, ...KIS_SECRET_HEADERS])

export interface KisClientSettings {
  readonly tokenPolicy: TokenPolicy
  /** Backoff for reads after EGW00201 or a transient failure. Never applied to orders. */
  readonly readRetry: Schedule.Schedule<unknown, KisReadError>
  /** Time allowed from the first byte sent to the full response (rate-limiter queueing excluded). */
  readonly requestTimeout: Duration.Duration
  /** Send a hashkey (from /uapi/hashkey) with order bodies. Optional on KIS; costs one extra request. */
  readonly useHashkey: boolean
  /** Default cap on continuation pages collected by `collect`. */
  readonly maxPages: number
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
/** undici / libuv codes that mean the connection was never established, so no request byte left. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"])

const errorCode = (cause: unknown): string | undefined => {
  for (let c = cause, depth = 0; c !== null && typeof c === "object" && depth < 6; depth++) {
    const code = (c as { code?: unknown }).code
    if (typeof code === "string") return code
    c = (c as { cause?: unknown }).cause
  }
  return undefined
}

const isTransientRead = (e: KisReadError): boolean =>
  e._tag === "KisRateLimitError" || e._tag === "KisTransportError" || (e._tag === "KisApiError" && TRANSIENT_CODES.has(e.msgCode))

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

/** Picks the TR id for the environment; answers KisNotOnMock locally for endpoints the mock server lacks. */
export const trIdFor = (
  spec: EndpointSpec,
  env: KisSettings["env"],
  variant?: string
): Effect.Effect<string, KisValidationError | KisNotOnMock> => {
  const pair = variant === undefined ? spec.tr : (spec.variants as Record<string, readonly [string, string | null]>)[variant]
  if (pair === undefined || pair === null) {
    return Effect.fail(new KisValidationError({
      endpoint: spec.name,
      field: "variant",
      reason: variant === undefined ? "has no TR id (an OAuth endpoint)" : `must be one of ${Object.keys(spec.variants).join(", ")}`
    }))
  }
  if (env === "mock") {
    return pair[1] === null ? Effect.fail(new KisNotOnMock({ endpoint: spec.name, path: spec.path })) : Effect.succeed(pair[1])
  }
  return Effect.succeed(pair[0])
}

export class KisClient extends Effect.Service<KisClient>()("trader/KisClient", {
  scoped: Effect.gen(function* () {
    const cfg = yield* KisConfig
    const options = yield* KisClientOptions
    const http = (yield* HttpClient.HttpClient).pipe(
      // Spans would record the full URL, whose query can hold the account number: trace at our level instead.
      HttpClient.withTracerDisabledWhen(() => true),
      HttpClient.withTracerPropagation(false)
    )
    const limiter = yield* makeKisRateLimiter(cfg.requestsPerSecond)
    const appKey = cfg.appKey, appSecret = cfg.appSecret

    /** Sends one request through the limiter and reads the body; classifies every failure. */
    const exchange = (req: WireRequest, headers: Record<string, string>) => {
      const url = cfg.baseUrl + req.path
      const request = req.method === "GET"
        ? HttpClientRequest.get(url, { urlParams: req.params, headers })
        : HttpClientRequest.post(url, { headers }).pipe(
            HttpClientRequest.bodyText(JSON.stringify(req.params), "application/json; charset=utf-8"))
      const isOrder = req.priority === "order" && req.trId !== ""
      const unknownOutcome = (reason: string) => new KisOutcomeUnknown({ trId: req.trId, path: req.path, reason })
      const transport = (reason: string, beforeSend: boolean) => new KisTransportError({ path: req.path, reason, beforeSend })
      return limiter.withSlot(req.priority, http.execute(request).pipe(
        Effect.flatMap((res) => Effect.map(res.text, (text) => ({ res, text }))),
        Effect.timeoutFail({
          duration: options.requestTimeout,
          onTimeout: () => (isOrder ? unknownOutcome("no response in time") : transport("timed out", false))
        }),
        Effect.catchTags({
          RequestError: (e) => {
            const code = errorCode(e.cause) ?? e.reason
            const beforeSend = NOT_SENT_CODES.has(code)
            return Effect.fail(isOrder && !beforeSend ? unknownOutcome(`connection failed (${code})`) : transport(`connection failed (${code})`, beforeSend))
          },
          ResponseError: (e) => Effect.fail(isOrder ? unknownOutcome(`response lost (${e.reason})`) : transport(`response lost (${e.reason})`, false))
        }),
        Effect.flatMap(({ res, text }): Effect.Effect<WireResponse, ExchangeError> => {
          let body: unknown
          try {
            body = JSON.parse(text)
          } catch {
            body = undefined
          }
          const status = res.status
          const object = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined
          const code = object?.["rt_cd"] !== undefined ? String(object["msg_cd"] ?? "") : object?.["error_code"] !== undefined ? String(object["error_code"]) : undefined
          const text1 = String(object?.["msg1"] ?? object?.["msg"] ?? object?.["error_description"] ?? "").trim()
          const ok = object !== undefined && (object["rt_cd"] === "0" || (object["rt_cd"] === undefined && code === undefined && status < 300))
          if (ok) return Effect.succeed<WireResponse>({ status, trCont: res.headers["tr_cont"] ?? "", body: object })
          if (code === undefined) {
            // No KIS envelope at all: a proxy page, a truncated body, a crash. Only a retry or reconciliation helps.
            const reason = `HTTP ${status} without a KIS envelope`
            return Effect.fail(isOrder ? unknownOutcome(reason) : status >= 500 ? transport(reason, false) : new KisDecodeError({ endpoint: req.endpoint, field: "(body)", issue: reason }))
          }
          if (code === "EGW00201") return Effect.fail(new KisRateLimitError({ trId: req.trId, path: req.path, status }))
          if (code === "EGW00103" || code === "EGW00105") return Effect.fail(new KisAuthenticationError({ code, description: text1 }))
          return Effect.fail(new KisApiError({ trId: req.trId, path: req.path, msgCode: code, msg1: text1, status }))
        }),
        Effect.tap((r) => Effect.logDebug("KIS response").pipe(Effect.annotateLogs({ status: r.status, msgCode: String(r.body["msg_cd"] ?? "") }))),
        Effect.withSpan("KisClient.request", { attributes: { endpoint: req.endpoint, trId: req.trId, path: req.path } }),
        Effect.annotateLogs({ kisPath: req.path, trId: req.trId })
      ))
    }

    const oauthPost = <A, I>(path: string, body: Record<string, string>, schema: Schema.Schema<A, I>) => {
      const req: WireRequest = { endpoint: path, method: "POST", path, trId: "", priority: "order", params: body, nextPage: false }
      return exchange(req, { "content-type": "application/json; charset=utf-8" }).pipe(
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

    const hashkeyOf = (req: WireRequest) =>
      exchange({ ...req, endpoint: "hashkey", path: "/uapi/hashkey", trId: "" }, {
        "content-type": "application/json; charset=utf-8", appkey: Redacted.value(appKey), appsecret: Redacted.value(appSecret)
      }).pipe(
        Effect.flatMap((r) => Schema.decodeUnknown(HashkeyResponse)(r.body)),
        Effect.map((r) => r.HASH),
        Effect.mapError((e): KisReadError => (e._tag === "ParseError" ? new KisDecodeError({ endpoint: "hashkey", field: "HASH", issue: "missing" }) : e._tag === "KisOutcomeUnknown" ? new KisTransportError({ path: e.path, reason: e.reason, beforeSend: false }) : e))
      )

    /** A failure of a preparatory request (token, hashkey): the request itself was provably not sent. */
    const notSentYet = (req: WireRequest) => <E extends KisReadError>(e: E): E | KisTransportError =>
      e._tag === "KisTransportError" ? new KisTransportError({ path: req.path, reason: `${e.path}: ${e.reason}`, beforeSend: true }) : e

    const attempt = (req: WireRequest, token: Redacted.Redacted<string>) =>
      Effect.gen(function* () {
        const headers: Record<string, string> = {
          "content-type": "application/json; charset=utf-8",
          authorization: `Bearer ${Redacted.value(token)}`,
          appkey: Redacted.value(appKey),
          appsecret: Redacted.value(appSecret),
          tr_id: req.trId,
          custtype: cfg.custType
        }
        if (req.nextPage) headers["tr_cont"] = "N"
        if (req.method === "POST" && req.priority === "order" && options.useHashkey) {
          headers["hashkey"] = yield* hashkeyOf(req).pipe(Effect.mapError(notSentYet(req)))
        }
        return yield* exchange(req, headers)
      })

    /** Sends with a valid token; an expired/invalid token is refreshed once and a read replayed once. */
    const send = (req: WireRequest): Effect.Effect<WireResponse, KisOrderError> =>
      Effect.gen(function* () {
        const token = yield* tokens.get.pipe(Effect.mapError(notSentYet(req)))
        const first = yield* Effect.either(attempt(req, token))
        if (first._tag === "Right") return first.right
        const e = first.left
        if (e._tag !== "KisApiError" || !TOKEN_REJECTED.has(e.msgCode)) return yield* Effect.fail(e)
        yield* tokens.invalidate(token)
        yield* Effect.logWarning("KIS rejected the access token; refreshing").pipe(Effect.annotateLogs({ msgCode: e.msgCode }))
        if (req.priority === "order") return yield* Effect.fail(e) // rejected at the gateway; the caller decides
        const fresh = yield* tokens.get
        return yield* attempt(req, fresh).pipe(
          Effect.catchTag("KisApiError", (again) =>
            Effect.fail(TOKEN_REJECTED.has(again.msgCode) ? new KisAuthenticationError({ code: again.msgCode, description: again.msg1 }) : again))
        )
      }).pipe(
        Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, ...KIS_SECRET_HEADERS])
      )

    const sendRead = (req: WireRequest): Effect.Effect<WireResponse, KisReadError> =>
      (send(req) as Effect.Effect<WireResponse, KisReadError>).pipe(Effect.retry({ schedule: options.readRetry, while: isTransientRead }))

    const prepare = <E extends EndpointSpec>(spec: E, params: Readonly<Record<string, string | undefined>>, variant?: string) =>
      Effect.gen(function* () {
        const declared = new Set<string>([...spec.required, ...spec.optional])
        const auto: Record<string, string> = { CANO: Redacted.value(cfg.accountNumber), ACNT_PRDT_CD: cfg.accountProductCode }
        const defaults: Record<string, string> = {}
        for (const name of AUTO_PARAMS) if (declared.has(name)) defaults[name] = auto[name] ?? ""
        const checked = checkParams(spec, { ...defaults, ...params })
        if (checked instanceof KisValidationError) return yield* Effect.fail(checked)
        const trId = yield* trIdFor(spec, cfg.env, variant)
        const req: WireRequest = {
          endpoint: spec.name, method: spec.method, path: spec.path, trId, nextPage: false, params: checked,
          priority: spec.kind === "order" ? "order" : "read"
        }
        return req
      })

    const decodeOrUnknown = <E extends EndpointSpec>(spec: E, req: WireRequest, body: Record<string, unknown>) => {
      const decoded = decodeResponse(spec, body)
      if (!(decoded instanceof KisDecodeError)) return Effect.succeed(decoded)
      // An order answered with a body we cannot read may still have been accepted.
      return Effect.fail(spec.kind === "order" ? new KisOutcomeUnknown({ trId: req.trId, path: req.path, reason: decoded.message }) : decoded)
    }

    /** Calls one endpoint once (first page) and decodes its body. Orders: exactly one send, never retried. */
    const call = <E extends EndpointSpec>(spec: E, params: ParamsOf<E>, opts?: CallOptions<VariantOf<E>>): Effect.Effect<ResponseOf<E>, CallError<E>> =>
      Effect.gen(function* () {
        const req = yield* prepare(spec, params as Record<string, string>, opts?.variant)
        const res = yield* (req.priority === "order" ? send(req) : sendRead(req))
        return yield* decodeOrUnknown(spec, req, res.body)
      }) as Effect.Effect<ResponseOf<E>, CallError<E>>

    /** Every continuation page of a paged read (one page for unpaged endpoints), fetched lazily. */
    const pages = <E extends EndpointSpec>(spec: E, params: ParamsOf<E>, opts?: CallOptions<VariantOf<E>>): Stream.Stream<ResponseOf<E>, KisReadError> =>
      Stream.unwrap(Effect.map(prepare(spec, params as Record<string, string>, opts?.variant), (first) =>
        Stream.paginateEffect(first, (req) =>
          Effect.gen(function* () {
            const res = yield* sendRead(req)
            const page = yield* (decodeOrUnknown(spec, req, res.body) as Effect.Effect<ResponseOf<E>, KisReadError>)
            const more = spec.paged && (res.trCont === "F" || res.trCont === "M")
            if (!more) return [page, Option.none<WireRequest>()] as const
            const next: Record<string, string> = { ...req.params }
            for (const name of AUTO_PARAMS) {
              const v = res.body[name.toLowerCase()] ?? res.body[name]
              if (name.startsWith("CTX_AREA_") && name in next && typeof v === "string") next[name] = v
            }
            return [page, Option.some<WireRequest>({ ...req, params: next, nextPage: true })] as const
          }))))

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
    }, ApprovalResponse).pipe(
      Effect.map((r) => Redacted.make(r.approval_key)),
      Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, ...KIS_SECRET_HEADERS])
    )

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
