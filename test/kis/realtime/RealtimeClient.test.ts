// RealtimeClient against a loopback KIS realtime server: registration and acks, multi-record and >8 KB frames,
// encrypted notices, PINGPONG echo, reconnect + re-registration after abrupt drops and silence, the 41 cap,
// server refusals (OPSP0008, OPSP8996) and scope-bound sockets. Backoffs are milliseconds to stay fast.
import { fc } from "@fast-check/vitest"
import { expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Exit, Fiber, Queue, Ref, Schedule, Scope, Stream } from "effect"
import { ticker } from "../../../src/domain/Money.js"
import { formatPingPong, parseRegistration } from "../../../src/kis/realtime/frames.js"
import { RealtimeClient, type RealtimeClientOptions } from "../../../src/kis/realtime/RealtimeClient.js"
import { FillNoticeRecord, type Trade, TradeRecord } from "../../../src/kis/realtime/records.js"
import { fillNoticeArb, tradeArb } from "./support/arbitraries.js"
import { eventually, type LoopbackKisServer, loopbackKisServer } from "./support/loopbackKisServer.js"

const SAMSUNG = ticker("005930")
const HTS_ID = "myhts01"

const clientOf = <E = never>(server: LoopbackKisServer, options: Partial<RealtimeClientOptions<E, never>> = {}) =>
  RealtimeClient.make<E, never>({
    url: server.url,
    approvalKey: Effect.succeed("approval-1"),
    htsId: HTS_ID,
    reconnect: Schedule.spaced("20 millis"),
    ackTimeout: "3 seconds",
    ...options
  })

const tradesOf = (code: string, n: number): ReadonlyArray<Trade> => fc.sample(tradeArb, n).map((t) => ({ ...t, ticker: ticker(code) }))
const registrationsSent = (received: ReadonlyArray<string>) =>
  received.map(parseRegistration).filter(Either.isRight).map((r) => r.right)

it.scopedLive("registers a stock with the approval key and streams every record of a multi-record frame", () =>
  Effect.gen(function* () {
    const server = yield* loopbackKisServer()
    const client = yield* clientOf(server)
    const mine = tradesOf("005930", 3)
    const fiber = yield* client.trades(SAMSUNG).pipe(Stream.take(3), Stream.runCollect, Effect.fork)
    yield* eventually("the registration", () => server.sessions[0]?.registrations.size === 1)
    expect(registrationsSent(server.sessions[0]!.received)).toEqual([
      { approvalKey: "approval-1", custType: "P", action: "register", trId: "H0STCNT0", trKey: "005930" }
    ])
    const records = [...tradesOf("000660", 1), ...mine].map(TradeRecord.encode)
    expect(server.publish("H0STCNT0", records)).toBe(1)
    expect(Chunk.toReadonlyArray(yield* Fiber.join(fiber))).toEqual(mine) // the other stock's trade is not ours
  }))

it.scopedLive("accepts frames far above 8 KB", () =>
  Effect.gen(function* () {
    const server = yield* loopbackKisServer()
    const client = yield* clientOf(server)
    const many = tradesOf("005930", 200)
    const fiber = yield* client.trades(SAMSUNG).pipe(Stream.take(200), Stream.runCollect, Effect.fork)
    yield* eventually("the registration", () => server.sessions[0]?.registrations.size === 1)
    const records = many.map(TradeRecord.encode)
    expect(records.map((r) => r.join("^")).join("^").length).toBeGreaterThan(24 * 1024)
    server.publish("H0STCNT0", records)
    expect(Chunk.toReadonlyArray(yield* Fiber.join(fiber))).toEqual(many)
  }))

it.scopedLive("streams of the same stock share one registration, released when the last one stops", () =>
  Effect.gen(function* () {
    const server = yield* loopbackKisServer()
    const client = yield* clientOf(server)
    const [trade] = tradesOf("005930", 1)
    const a = yield* client.trades(SAMSUNG).pipe(Stream.take(1), Stream.runCollect, Effect.fork)
    const b = yield* client.trades(SAMSUNG).pipe(Stream.take(2), Stream.runCollect, Effect.fork)
    yield* eventually("both holders", () => server.sessions[0]?.registrations.size === 1)
    yield* eventually("both holders", Effect.map(client.registrations, (held) => held[0]?.holders === 2))
    server.publish("H0STCNT0", [TradeRecord.encode(trade!)])
    expect(Chunk.toReadonlyArray(yield* Fiber.join(a))).toEqual([trade])
    expect(yield* client.registrations).toEqual([{ trId: "H0STCNT0", trKey: "005930", holders: 1 }])
    yield* Fiber.interrupt(b)
    yield* eventually("the release", () => server.sessions[0]!.registrations.size === 0)
    expect(registrationsSent(server.sessions[0]!.received).map((r) => r.action)).toEqual(["register", "release"])
  }))

it.scopedLive("decrypts fill notices with the key/iv of their encrypt:Y ack", () =>
  Effect.gen(function* () {
    const server = yield* loopbackKisServer()
    const client = yield* clientOf(server, { noticeTrId: "H0STCNI9" })
    const notices = [...fc.sample(fillNoticeArb(5), 2), ...fc.sample(fillNoticeArb(8), 1)]
    const fiber = yield* client.fillNotices.pipe(Stream.take(3), Stream.runCollect, Effect.fork)
    yield* eventually("the notice registration", () => server.sessions[0]?.registrations.has(`H0STCNI9|${HTS_ID}`) === true)
    expect(yield* client.registrations).toEqual([{ trId: "H0STCNI9", trKey: HTS_ID, holders: 1 }])
    server.publish("H0STCNI9", notices.slice(0, 2).map(FillNoticeRecord.encode))
    server.publish("H0STCNI9", notices.slice(2).map(FillNoticeRecord.encode))
    expect(Chunk.toReadonlyArray(yield* Fiber.join(fiber))).toEqual(notices)
  }))

it.scopedLive("echoes PINGPONG text unchanged", () =>
  Effect.gen(function* () {
    const server = yield* loopbackKisServer()
    yield* clientOf(server)
    yield* eventually("a session", () => server.sessions.length === 1)
    const ping = formatPingPong("20260827093000")
    server.sessions[0]!.socket.send(ping)
    yield* eventually("the echo", () => server.sessions[0]!.received.includes(ping))
    expect(server.sessions).toHaveLength(1)
  }))

it.scopedLive("after an abrupt drop (1006) it reconnects with a fresh approval key, re-registers and the stream goes on", () =>
  Effect.gen(function* () {
    const server = yield* loopbackKisServer()
    const keyFetches = yield* Ref.make(0)
    const client = yield* clientOf(server, { approvalKey: Ref.updateAndGet(keyFetches, (n) => n + 1).pipe(Effect.as("approval-1")) })
    const seen = yield* Queue.unbounded<Trade>()
    yield* client.trades(SAMSUNG).pipe(Stream.runForEach((t) => Queue.offer(seen, t)), Effect.forkScoped)
    const [before, after] = tradesOf("005930", 2)
    yield* eventually("the first registration", () => server.sessions[0]?.registrations.size === 1)
    server.publish("H0STCNT0", [TradeRecord.encode(before!)])
    expect(yield* Queue.take(seen)).toEqual(before)

    server.terminate(server.sessions[0]!)
    yield* eventually("re-registration on a new session", () => server.sessions[1]?.registrations.has("H0STCNT0|005930") === true)
    expect(server.sessions[0]!.closeCode).toBe(1006)
    expect(server.publish("H0STCNT0", [TradeRecord.encode(after!)])).toBe(1)
    expect(yield* Queue.take(seen)).toEqual(after)
    expect(yield* Ref.get(keyFetches)).toBe(2)
  }))

it.scopedLive("a session silent past the idle timeout is closed and replaced", () =>
  Effect.gen(function* () {
    const server = yield* loopbackKisServer()
    const client = yield* clientOf(server, { idleTimeout: "250 millis" })
    yield* client.register("H0STASP0", "005930")
    yield* eventually("a second session", () => server.sessions[1]?.registrations.has("H0STASP0|005930") === true)
    yield* eventually("the first closed by the client", () => server.sessions[0]!.closeCode === 1000)
  }))

it.scopedLive("refuses the 42nd registration before sending it, and accepts one again after a release", () =>
  Effect.gen(function* () {
    const server = yield* loopbackKisServer(100) // a lenient server: the cap must come from the client
    const client = yield* clientOf(server)
    const codes = Array.from({ length: 42 }, (_, i) => String(100000 + i))
    const firstScope = yield* Scope.make()
    yield* client.register("H0STCNT0", codes[0]!).pipe(Scope.extend(firstScope))
    yield* Effect.forEach(codes.slice(1, 41), (code) => client.register("H0STCNT0", code), { concurrency: 8 })
    const refused = yield* Effect.flip(client.register("H0STASP0", codes[41]!))
    expect(refused).toMatchObject({ _tag: "RegistrationLimitReached", limit: 41, trId: "H0STASP0", trKey: codes[41] })
    expect(refused.message).toMatch(/41 registrations/)
    expect(registrationsSent(server.sessions[0]!.received)).toHaveLength(41)

    yield* Scope.close(firstScope, Exit.void)
    yield* eventually("the release", () => server.sessions[0]!.registrations.size === 40)
    expect(registrationsSent(server.sessions[0]!.received).at(-1)).toMatchObject({ action: "release", trKey: codes[0] })
    yield* client.register("H0STASP0", codes[41]!)
    expect((yield* client.registrations).length).toBe(41)
  }))

it.scopedLive("a registration without an ack in time fails and is released at once", () =>
  Effect.gen(function* () {
    const server = yield* loopbackKisServer()
    server.muted = true
    const client = yield* clientOf(server, { ackTimeout: "150 millis" })
    const error = yield* Effect.flip(client.register("H0STCNT0", "005930"))
    expect(error).toMatchObject({ _tag: "RealtimeUnavailable", reason: "no answer to registration H0STCNT0/005930 within 150ms" })
    expect(yield* client.registrations).toEqual([]) // this test's scope is still open
    yield* eventually("the release", () => registrationsSent(server.sessions[0]!.received).length === 2)
    expect(registrationsSent(server.sessions[0]!.received).map((r) => r.action)).toEqual(["register", "release"])
  }))

it.scopedLive("a registration KIS refuses (OPSP0008 MAX SUBSCRIBE OVER) fails with SubscriptionRejected", () =>
  Effect.gen(function* () {
    const server = yield* loopbackKisServer(1)
    const client = yield* clientOf(server)
    yield* client.register("H0STCNT0", "005930")
    const error = yield* Effect.flip(Stream.runDrain(client.orderBook(SAMSUNG)))
    expect(error).toMatchObject({ _tag: "SubscriptionRejected", trId: "H0STASP0", trKey: "005930", msgCode: "OPSP0008", msg1: "MAX SUBSCRIBE OVER" })
    expect(yield* client.registrations).toEqual([{ trId: "H0STCNT0", trKey: "005930", holders: 1 }])
  }))

it.scopedLive("a second session with the same app key gets OPSP8996 as SessionRejected and stops; the first keeps streaming", () =>
  Effect.gen(function* () {
    const server = yield* loopbackKisServer()
    const first = yield* clientOf(server)
    const firstTrades = yield* first.trades(SAMSUNG).pipe(Stream.take(1), Stream.runCollect, Effect.fork)
    yield* eventually("the first registration", () => server.sessions[0]?.registrations.size === 1)

    const second = yield* clientOf(server)
    const error = yield* Effect.flip(Stream.runDrain(second.trades(SAMSUNG)))
    expect(error).toMatchObject({ _tag: "SessionRejected", msgCode: "OPSP8996", msg1: "ALREADY IN USE appkey" })
    expect(yield* Effect.flip(second.register("H0STASP0", "005930").pipe(Effect.scoped))).toBe(error)
    yield* Effect.sleep("100 millis")
    expect(server.sessions).toHaveLength(2) // no reconnect storm against a key in use

    const [trade] = tradesOf("005930", 1)
    server.publish("H0STCNT0", [TradeRecord.encode(trade!)])
    expect(Chunk.toReadonlyArray(yield* Fiber.join(firstTrades))).toEqual([trade])
  }))

it.scopedLive("closing the client's scope closes the socket and ends its streams", () =>
  Effect.gen(function* () {
    const server = yield* loopbackKisServer()
    const scope = yield* Scope.make()
    const client = yield* clientOf(server).pipe(Scope.extend(scope))
    const stream = yield* client.trades(SAMSUNG).pipe(Stream.runDrain, Effect.either, Effect.fork)
    yield* eventually("the registration", () => server.sessions[0]?.registrations.size === 1)
    yield* Scope.close(scope, Exit.void)
    yield* eventually("a normal close", () => server.sessions[0]!.closeCode === 1000)
    const ended = yield* Fiber.join(stream)
    expect(Either.isLeft(ended) && ended.left).toMatchObject({ _tag: "RealtimeUnavailable", reason: "realtime client closed" })
  }))

it.scopedLive("gives up when the reconnect schedule ends, naming the last failure", () =>
  Effect.gen(function* () {
    const server = yield* loopbackKisServer()
    const client = yield* clientOf(server, {
      approvalKey: Effect.fail("approval endpoint down"),
      reconnect: Schedule.spaced("10 millis").pipe(Schedule.intersect(Schedule.recurs(2)))
    })
    const error = yield* Effect.flip(client.register("H0STCNT0", "005930").pipe(Effect.scoped))
    expect(error).toMatchObject({ _tag: "RealtimeUnavailable", reason: "gave up reconnecting; last failure: no approval key: approval endpoint down" })
    expect(server.sessions).toHaveLength(0)
  }))
