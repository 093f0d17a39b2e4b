// KIS realtime WebSocket client: one session per app key, registrations shared by every stream that needs them,
// PINGPONG echo, idle detection, reconnect with backoff and re-registration. Closing its scope closes the socket.
import {
  Cause, Context, Data, Deferred, Duration, Effect, Either, Layer, Predicate, PubSub, Queue, Schedule, type Scope, Stream
} from "effect"
import WebSocket from "ws"
import type { Ticker } from "../../domain/Money.js"
import {
  type RealtimeError, RealtimeUnavailable, RegistrationLimitReached, SessionRejected, SubscriptionRejected
} from "./errors.js"
import { type FillNoticeTrId, OrderBookTrId, TradeTrId } from "./fields.js"
import { type ControlFrame, formatRegistration, parseServerFrame } from "./frames.js"
import type { NoticeCipher } from "./noticeCipher.js"
import { decodeDataFrame, type FillNotice, type OrderBook, type Trade } from "./records.js"

export interface RealtimeClientOptions<E, R> {
  /** `ws://host:port[/path]`; KIS accepts the bare host or `/tryitout`. */
  readonly url: string
  /** Fetches an approval key (POST /oauth2/Approval). Run once per connection attempt; a failure counts as a failed attempt. */
  readonly approvalKey: Effect.Effect<string, E, R>
  /** The HTS login id: the `tr_key` of order/fill notices. */
  readonly htsId: string
  /** H0STCNI0 on the real server (default), H0STCNI9 on the mock server. */
  readonly noticeTrId?: FillNoticeTrId
  /** "P" personal (default) or "B" corporate. */
  readonly custType?: "P" | "B"
  /** No frame for this long means the session went silent: reconnect. Default 90 s. */
  readonly idleTimeout?: Duration.DurationInput
  /** How long a registration waits for its ack (including time spent reconnecting). Default 10 s. */
  readonly ackTimeout?: Duration.DurationInput
  /** How long opening the socket may take. Default 10 s. */
  readonly connectTimeout?: Duration.DurationInput
  /** Delays between reconnect attempts; when it ends, the client gives up. Default: 1 s doubling, capped at 30 s, jittered. */
  readonly reconnect?: Schedule.Schedule<unknown, unknown>
  /** Registrations per session; KIS allows 41. */
  readonly maxRegistrations?: number
  /** Largest accepted frame; KIS frames can exceed 8 KB. Default 16 MiB. */
  readonly maxFrameBytes?: number
}

/** The KIS limit on registrations per session. */
export const KIS_MAX_REGISTRATIONS = 41

/** Default reconnect delays: 1, 2, 4, 8, 16, 30, 30 … s with jitter, forever. */
export const ReconnectBackoff = Schedule.exponential("1 second").pipe(
  Schedule.union(Schedule.spaced("30 seconds")),
  Schedule.jittered
)

/** A registration the client currently holds. */
export interface HeldRegistration {
  readonly trId: string
  readonly trKey: string
  /** How many streams or `register` scopes share it. */
  readonly holders: number
}

export interface RealtimeClientApi {
  /** KRX trades of one stock (H0STCNT0). Registers on start, releases when the last consumer stops. */
  readonly trades: (ticker: Ticker) => Stream.Stream<Trade, RealtimeError>
  /** KRX 10-level book of one stock (H0STASP0). */
  readonly orderBook: (ticker: Ticker) => Stream.Stream<OrderBook, RealtimeError>
  /** Order/fill notices of the HTS id, decrypted. Not replayed after a reconnect: reconcile with REST. */
  readonly fillNotices: Stream.Stream<FillNotice, RealtimeError>
  /**
   * Holds a registration for the scope and waits for its ack. Fails with RegistrationLimitReached before sending the
   * 42nd, SubscriptionRejected when KIS refuses it, SessionRejected when KIS refused the session, RealtimeUnavailable
   * when no ack came in time. Idempotent per TR id and key: holders share one registration.
   */
  readonly register: (trId: string, trKey: string) => Effect.Effect<void, RealtimeError, Scope.Scope>
  /** The registrations held now (sent again after every reconnect). */
  readonly registrations: Effect.Effect<ReadonlyArray<HeldRegistration>>
}

/**
 * The realtime session of one app key. Streams never fail on a dropped or silent connection (the client reconnects
 * and re-registers); they fail on a refusal, on giving up, or when the client closes. Each consumer buffers what it
 * has not read yet, without bound: read promptly.
 */
export class RealtimeClient extends Context.Tag("trader/RealtimeClient")<RealtimeClient, RealtimeClientApi>() {
  /** Starts connecting at once, in the background; the scope's end closes the socket. */
  static readonly make = <E, R>(options: RealtimeClientOptions<E, R>) => makeRealtimeClient(options)
  static readonly layer = <E, R>(options: RealtimeClientOptions<E, R>) => Layer.scoped(RealtimeClient, makeRealtimeClient(options))
}

// ---- the socket: ws callbacks turned into a queue of events ----

type SocketEvent = Data.TaggedEnum<{
  Text: { readonly text: string }
  /** A protocol-level ping: traffic, nothing to do (ws answers it). */
  Ping: {}
  Closed: { readonly code: number; readonly reason: string }
  Failed: { readonly reason: string }
}>
const SocketEvent = Data.taggedEnum<SocketEvent>()

interface Socket {
  readonly events: Queue.Dequeue<SocketEvent>
  readonly send: (text: string) => Effect.Effect<void, RealtimeUnavailable>
}

const textOf = (data: WebSocket.RawData): string =>
  Buffer.isBuffer(data) ? data.toString("utf8")
    : Array.isArray(data) ? Buffer.concat(data).toString("utf8")
    : Buffer.from(data).toString("utf8")

const openSocket = (url: string, maxPayload: number, connectTimeout: Duration.Duration) =>
  Effect.gen(function* () {
    const events = yield* Queue.unbounded<SocketEvent>()
    const ws = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const ws = new WebSocket(url, { maxPayload, perMessageDeflate: false })
        ws.on("message", (data) => Queue.unsafeOffer(events, SocketEvent.Text({ text: textOf(data) })))
        ws.on("ping", () => Queue.unsafeOffer(events, SocketEvent.Ping()))
        ws.on("close", (code, reason) => Queue.unsafeOffer(events, SocketEvent.Closed({ code, reason: reason.toString("utf8") })))
        ws.on("error", (error) => Queue.unsafeOffer(events, SocketEvent.Failed({ reason: error.message })))
        return ws
      }),
      (ws) => Effect.sync(() => (ws.readyState === WebSocket.CONNECTING ? ws.terminate() : ws.close(1000)))
    )
    yield* Effect.async<void, RealtimeUnavailable>((resume) => {
      const opened = () => resume(Effect.void)
      const failed = (error?: Error) =>
        resume(Effect.fail(new RealtimeUnavailable({ reason: `cannot connect to ${url}: ${error?.message ?? "closed during handshake"}` })))
      const closed = () => failed()
      ws.once("open", opened).once("error", failed).once("close", closed)
      return Effect.sync(() => ws.off("open", opened).off("error", failed).off("close", closed))
    }).pipe(Effect.timeoutFail({
      duration: connectTimeout,
      onTimeout: () => new RealtimeUnavailable({ reason: `no WebSocket handshake from ${url} within ${Duration.format(connectTimeout)}` })
    }))
    const send = (text: string) =>
      Effect.async<void, RealtimeUnavailable>((resume) =>
        ws.send(text, (error) =>
          resume(error === undefined || error === null ? Effect.void : Effect.fail(new RealtimeUnavailable({ reason: `send failed: ${error.message}` })))))
    return { events, send } satisfies Socket
  })

// ---- the client ----

/** What the connection fiber hands to stream consumers. */
type Delivery = Data.TaggedEnum<{
  Trade: { readonly value: Trade }
  Book: { readonly value: OrderBook }
  Notice: { readonly value: FillNotice }
  /** A registration (or, without `key`, every registration) ended with an error. */
  Failure: { readonly key: string | undefined; readonly error: RealtimeError }
}>
const Delivery = Data.taggedEnum<Delivery>()

interface Held {
  readonly trId: string
  readonly trKey: string
  holders: number
  readonly acked: Deferred.Deferred<void, RealtimeError>
}

const keyOf = (trId: string, trKey: string) => `${trId}|${trKey}`

/** Why a connection ended: `fatal` stops reconnecting. */
class ConnectionEnded extends Data.TaggedError("ConnectionEnded")<{ readonly reason: string; readonly fatal: boolean }> {}

export const makeRealtimeClient = <E, R>(options: RealtimeClientOptions<E, R>): Effect.Effect<RealtimeClientApi, never, Scope.Scope | R> =>
  Effect.gen(function* () {
    const noticeTrId = options.noticeTrId ?? "H0STCNI0"
    const custType = options.custType ?? "P"
    const idleTimeout = Duration.decode(options.idleTimeout ?? "90 seconds")
    const ackTimeout = Duration.decode(options.ackTimeout ?? "10 seconds")
    const connectTimeout = Duration.decode(options.connectTimeout ?? "10 seconds")
    const maxRegistrations = options.maxRegistrations ?? KIS_MAX_REGISTRATIONS
    const maxFrameBytes = options.maxFrameBytes ?? 16 * 1024 * 1024

    // Plain mutable state, touched only from this client's effects; `lock` keeps a registration's send and the
    // re-registration after a connect from interleaving, so nothing is sent twice or lost.
    const held = new Map<string, Held>()
    const ciphers = new Map<string, NoticeCipher>()
    let session: { readonly socket: Socket; readonly approvalKey: string } | undefined
    let fatal: RealtimeError | undefined
    const lock = yield* Effect.makeSemaphore(1)
    const deliveries = yield* PubSub.unbounded<Delivery>()

    const sendRegistration = (action: "register" | "release", trId: string, trKey: string) =>
      Effect.suspend(() =>
        session === undefined
          ? Effect.void // the next connect sends every held registration
          : session.socket.send(formatRegistration({ approvalKey: session.approvalKey, custType, action, trId, trKey })).pipe(
            Effect.catchAll((e) => Effect.logDebug("registration not sent; the reconnect will send it", e.reason))))

    const failEverything = (error: RealtimeError) =>
      Effect.gen(function* () {
        fatal = error
        for (const h of held.values()) yield* Deferred.fail(h.acked, error)
        yield* PubSub.publish(deliveries, Delivery.Failure({ key: undefined, error }))
      })

    const acquire = (trId: string, trKey: string) =>
      lock.withPermits(1)(Effect.gen(function* () {
        if (fatal !== undefined) return yield* Effect.fail(fatal)
        const key = keyOf(trId, trKey)
        const existing = held.get(key)
        if (existing !== undefined) {
          existing.holders++
          return existing
        }
        if (held.size >= maxRegistrations) {
          return yield* Effect.fail(new RegistrationLimitReached({ limit: maxRegistrations, trId, trKey }))
        }
        const entry: Held = { trId, trKey, holders: 1, acked: yield* Deferred.make<void, RealtimeError>() }
        held.set(key, entry)
        yield* sendRegistration("register", trId, trKey)
        return entry
      }))

    const release = (entry: Held) =>
      lock.withPermits(1)(Effect.gen(function* () {
        const key = keyOf(entry.trId, entry.trKey)
        if (held.get(key) !== entry || --entry.holders > 0) return
        held.delete(key)
        yield* sendRegistration("release", entry.trId, entry.trKey)
      }))

    /** One holder's share of a registration; released once, early when its ack never comes. */
    const holdOf = (entry: Held) => {
      let released = false
      return { entry, release: Effect.suspend(() => (released ? Effect.void : ((released = true), release(entry)))) }
    }

    const register = (trId: string, trKey: string): Effect.Effect<void, RealtimeError, Scope.Scope> =>
      Effect.acquireRelease(Effect.map(acquire(trId, trKey), holdOf), (hold) => hold.release).pipe(
        Effect.flatMap((hold) =>
          Deferred.await(hold.entry.acked).pipe(
            Effect.timeoutFail({
              duration: ackTimeout,
              onTimeout: () => new RealtimeUnavailable({ reason: `no answer to registration ${trId}/${trKey} within ${Duration.format(ackTimeout)}` })
            }),
            Effect.tapError(() => hold.release))))

    /** The registration an ack answers: by TR id and key, else the only one of that TR (in case a key is echoed masked). */
    const answeredBy = (ack: Extract<ControlFrame, { _tag: "Ack" }>): Held | undefined => {
      const exact = held.get(keyOf(ack.trId, ack.trKey))
      if (exact !== undefined) return exact
      const sameTr = Array.from(held.values()).filter((h) => h.trId === ack.trId)
      return sameTr.length === 1 ? sameTr[0] : undefined
    }

    const onAck = (ack: Extract<ControlFrame, { _tag: "Ack" }>) =>
      Effect.gen(function* () {
        const entry = answeredBy(ack)
        // kept whatever `encrypt` says: the doc's own H0STCNI0 ack says "N" while its notices arrive encrypted
        if (ack.cipher !== undefined) ciphers.set(ack.trId, ack.cipher)
        if (ack.outcome === "subscribed") {
          if (entry !== undefined) yield* Deferred.succeed(entry.acked, undefined)
        } else if (ack.outcome === "rejected" && ack.msgCode !== "OPSP0003" && entry !== undefined) {
          const error = new SubscriptionRejected({ trId: entry.trId, trKey: entry.trKey, msgCode: ack.msgCode, msg1: ack.msg1 })
          const key = keyOf(entry.trId, entry.trKey)
          held.delete(key)
          yield* Deferred.fail(entry.acked, error)
          yield* PubSub.publish(deliveries, Delivery.Failure({ key, error }))
        } else {
          yield* Effect.logDebug("registration answer", ack.trId, ack.msgCode, ack.msg1)
        }
      })

    const onText = (text: string, socket: Socket) =>
      Either.match(parseServerFrame(text), {
        onLeft: (error) => Effect.logWarning("ignored a malformed realtime frame", error.message),
        onRight: (frame): Effect.Effect<void, ConnectionEnded> => {
          if (frame._tag === "Data") {
            return Either.match(decodeDataFrame(frame, ciphers.get(frame.trId)), {
              onLeft: (error) => Effect.logWarning("ignored a malformed realtime frame", error.message),
              onRight: (records) => {
                switch (records._tag) {
                  case "Trades":
                    return PubSub.publishAll(deliveries, records.values.map((value) => Delivery.Trade({ value })))
                  case "OrderBooks":
                    return PubSub.publishAll(deliveries, records.values.map((value) => Delivery.Book({ value })))
                  case "FillNotices":
                    return PubSub.publishAll(deliveries, records.values.map((value) => Delivery.Notice({ value })))
                  case "Unsupported":
                    return Effect.logDebug("ignored records of an undecoded TR", records.trId)
                }
              }
            })
          }
          switch (frame._tag) {
            case "PingPong":
              return socket.send(frame.text).pipe(Effect.catchAll((e) => Effect.logDebug("PINGPONG echo not sent", e.reason)))
            case "Ack":
              return onAck(frame)
            case "SessionError": {
              const error = new SessionRejected({ msgCode: frame.msgCode, msg1: frame.msg1 })
              return failEverything(error).pipe(Effect.zipRight(new ConnectionEnded({ reason: error.message, fatal: true })))
            }
          }
        }
      })

    /** One session: connect, send every held registration, then read until the socket closes or goes silent. */
    const runSession = (onFirstFrame: Effect.Effect<void>) =>
      Effect.gen(function* () {
        const approvalKey = yield* options.approvalKey.pipe(
          Effect.mapError((e) => new ConnectionEnded({ reason: `no approval key: ${e instanceof Error ? e.message : String(e)}`, fatal: false })))
        const socket = yield* openSocket(options.url, maxFrameBytes, connectTimeout).pipe(
          Effect.mapError((e) => new ConnectionEnded({ reason: e.reason, fatal: false })))
        yield* lock.withPermits(1)(Effect.gen(function* () {
          ciphers.clear()
          session = { socket, approvalKey }
          for (const h of held.values()) yield* sendRegistration("register", h.trId, h.trKey)
        }))
        let first = true
        while (true) {
          const event = yield* Queue.take(socket.events).pipe(Effect.timeoutOption(idleTimeout))
          if (event._tag === "None") {
            return yield* new ConnectionEnded({ reason: `no frame for ${Duration.format(idleTimeout)}`, fatal: false })
          }
          const e = event.value
          if (e._tag === "Closed") {
            return yield* new ConnectionEnded({ reason: `closed by server (code ${e.code}${e.reason ? `, ${e.reason}` : ""})`, fatal: false })
          }
          if (e._tag === "Failed") return yield* new ConnectionEnded({ reason: `socket error: ${e.reason}`, fatal: false })
          if (first) { // the server talks: this session is healthy, so the next drop starts the backoff afresh
            first = false
            yield* onFirstFrame
          }
          if (e._tag === "Text") yield* onText(e.text, socket)
        }
      }).pipe(
        Effect.ensuring(Effect.sync(() => {
          session = undefined
        })),
        Effect.scoped)

    const supervise = Effect.gen(function* () {
      const backoff = yield* Schedule.driver(options.reconnect ?? ReconnectBackoff)
      while (true) {
        const ended = yield* Effect.flip(runSession(backoff.reset))
        if (ended.fatal) return
        yield* Effect.logWarning("realtime session ended; reconnecting", ended.reason)
        const retry = yield* Effect.either(backoff.next(ended.reason))
        if (Either.isLeft(retry)) {
          return yield* failEverything(new RealtimeUnavailable({ reason: `gave up reconnecting; last failure: ${ended.reason}` }))
        }
      }
    })

    yield* Effect.addFinalizer(() =>
      fatal === undefined ? failEverything(new RealtimeUnavailable({ reason: "realtime client closed" })) : Effect.void)
    yield* supervise.pipe(
      // a defect here is a bug; fail the streams so consumers see it instead of waiting forever
      Effect.tapDefect((cause) => failEverything(new RealtimeUnavailable({ reason: `realtime client crashed: ${Cause.pretty(cause)}` }))),
      Effect.annotateLogs({ fiber: "RealtimeClient" }),
      Effect.forkScoped)

    const streamOf = <A>(trId: string, trKey: string, pick: (d: Delivery) => A | undefined): Stream.Stream<A, RealtimeError> =>
      Stream.unwrapScoped(Effect.gen(function* () {
        const subscription = yield* PubSub.subscribe(deliveries) // before registering, so nothing after the ack is missed
        yield* register(trId, trKey)
        const key = keyOf(trId, trKey)
        return Stream.fromQueue(subscription).pipe(
          Stream.mapEffect((d) =>
            d._tag !== "Failure" ? Effect.succeed(pick(d))
              : d.key === undefined || d.key === key ? Effect.fail(d.error)
              : Effect.succeed(undefined)),
          Stream.filter(Predicate.isNotUndefined))
      }))

    return {
      trades: (ticker) =>
        streamOf(TradeTrId, ticker, (d) => (d._tag === "Trade" && d.value.ticker === ticker ? d.value : undefined)),
      orderBook: (ticker) =>
        streamOf(OrderBookTrId, ticker, (d) => (d._tag === "Book" && d.value.ticker === ticker ? d.value : undefined)),
      fillNotices: streamOf(noticeTrId, options.htsId, (d) => (d._tag === "Notice" ? d.value : undefined)),
      register,
      registrations: Effect.sync(() => Array.from(held.values(), ({ trId, trKey, holders }) => ({ trId, trKey, holders })))
    } satisfies RealtimeClientApi
  })
