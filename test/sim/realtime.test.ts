// kis-sim's realtime WebSocket: the project's RealtimeClient receives trade frames of the replayed path and decrypted
// order/fill notices; raw sockets check the approval key, one session per app key, 41 registrations, PINGPONG and 1006.
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Redacted, Stream } from "effect"
import WebSocket from "ws"
import type { Ticker } from "../../src/domain/Money.js"
import { ordersAccount } from "../../src/kis/catalog/generated/index.js"
import { KisClient } from "../../src/kis/KisClient.js"
import { parseServerFrame } from "../../src/kis/realtime/frames.js"
import { makeRealtimeClient } from "../../src/kis/realtime/RealtimeClient.js"
import { answerAdmin } from "../../src/sim/admin.js"
import type { KisSimHandle } from "../../src/sim/server.js"
import { tempTokenDir } from "../support/kisLoopback.js"
import { CLIENT_ACCOUNT, clockTo, simClientLayer, startTestSim } from "./support/simHarness.js"

const withKis = <A, E>(sim: KisSimHandle, body: (k: KisClient) => Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const dir = yield* tempTokenDir
    return yield* Effect.provide(Effect.flatMap(KisClient, body), simClientLayer(sim.url, dir))
  })

/** A raw WebSocket that records every text frame. */
const rawSocket = (url: string) =>
  Effect.acquireRelease(
    Effect.async<{ readonly ws: WebSocket; readonly frames: Array<string>; readonly closed: Promise<number> }>((resume) => {
      const ws = new WebSocket(`${url}/tryitout`)
      const frames: Array<string> = []
      const closed = new Promise<number>((done) => ws.on("close", (code) => done(code)))
      ws.on("message", (d) => frames.push(d.toString()))
      ws.once("open", () => resume(Effect.succeed({ ws, frames, closed })))
    }),
    ({ ws }) => Effect.sync(() => ws.terminate())
  )

const register = (approval: string, trId: string, trKey: string, trType = "1") =>
  JSON.stringify({ header: { approval_key: approval, custtype: "P", tr_type: trType, "content-type": "utf-8" }, body: { input: { tr_id: trId, tr_key: trKey } } })

const waitFor = (frames: Array<string>, count: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < 200 && frames.length < count; i++) yield* Effect.sleep("10 millis")
    return frames.slice()
  })

/** The registrations kis-sim's admin state lists. */
const registrationsOf = (sim: KisSimHandle): ReadonlyArray<string> =>
  (answerAdmin(sim.admin, "GET", "/sim/admin/state", undefined)!.body as { readonly realtimeRegistrations: ReadonlyArray<string> }).realtimeRegistrations

const approvalOf = (sim: KisSimHandle) => withKis(sim, (k) => Effect.map(k.approvalKey, Redacted.value))

describe("kis-sim realtime with the RealtimeClient", () => {
  it.scopedLive("trade frames follow the clock; order acknowledgements and fills arrive encrypted and decode", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      yield* clockTo(sim, "09:30")
      const approval = yield* approvalOf(sim)
      const rt = yield* makeRealtimeClient({ url: sim.wsUrl, approvalKey: Effect.succeed(approval), htsId: CLIENT_ACCOUNT.htsId })
      yield* rt.register("H0STCNI0", CLIENT_ACCOUNT.htsId)
      yield* rt.register("H0STCNT0", "SYN001")
      const trades = yield* Effect.fork(Stream.runCollect(Stream.take(rt.trades("SYN001" as Ticker), 5)))
      const notices = yield* Effect.fork(Stream.runCollect(Stream.take(rt.fillNotices, 2)))
      yield* Effect.sleep("50 millis")
      const receipt = yield* withKis(sim, (k) =>
        k.call(ordersAccount.orderCash, { PDNO: "SYN001", ORD_DVSN: "01", ORD_QTY: "7", ORD_UNPR: "0" }, { variant: "buy" }))
      yield* clockTo(sim, "09:35")
      const got = Chunk.toReadonlyArray(yield* Fiber.join(trades))
      expect(got.map((t) => t.time)).toEqual(["093100", "093200", "093300", "093400", "093500"])
      expect(got.every((t) => t.date === "2024-03-04" && t.price >= t.low && t.price <= t.high)).toBe(true)
      const [ack, fill] = Chunk.toReadonlyArray(yield* Fiber.join(notices))
      expect(ack).toMatchObject({ kind: "acknowledgement", orderNo: receipt.output!.odno, side: "buy", quantity: 7, ticker: "SYN001" })
      expect(fill).toMatchObject({ kind: "fill", orderNo: receipt.output!.odno, quantity: 7 })
      expect(fill!.extraFields).toHaveLength(8) // the documented 26-field layout
      const held = sim.exchange.fills.find((f) => f.odno === receipt.output!.odno)!
      expect(fill!.price).toBe(held.price)
    }))
})

describe("kis-sim realtime sessions (raw WebSocket)", () => {
  it.scopedLive("unknown approval key, one session per app key (OPSP8996), 41 registrations (OPSP0008), release", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim({}, 42)
      const approval = yield* approvalOf(sim)
      const first = yield* rawSocket(sim.wsUrl)
      first.ws.send(register("not-a-key", "H0STCNT0", "SYN001"))
      const [unknown] = yield* waitFor(first.frames, 1)
      expect(JSON.parse(unknown!).body).toMatchObject({ rt_cd: "9", msg_cd: "OPSP0011" })
      for (let i = 1; i <= 42; i++) first.ws.send(register(approval, "H0STCNT0", `SYN${String(i).padStart(3, "0")}`))
      const acks = (yield* waitFor(first.frames, 43)).slice(1).map((f) => JSON.parse(f).body.msg_cd)
      expect(acks.filter((c) => c === "OPSP0000")).toHaveLength(41)
      expect(acks[41]).toBe("OPSP0008")
      expect(registrationsOf(sim)).toHaveLength(41)
      expect(registrationsOf(sim)).toContain("H0STCNT0|SYN041")
      const second = yield* rawSocket(sim.wsUrl)
      second.ws.send(register(approval, "H0STCNT0", "SYN001"))
      const [inUse] = yield* waitFor(second.frames, 1)
      expect(JSON.parse(inUse!)).toMatchObject({ header: { tr_id: "(null)" }, body: { rt_cd: "9", msg_cd: "OPSP8996" } })
      first.ws.send(register(approval, "H0STCNT0", "SYN001", "2"))
      first.ws.send(register(approval, "H0STCNT0", "SYN001", "2"))
      const releases = (yield* waitFor(first.frames, 45)).slice(43).map((f) => JSON.parse(f).body.msg_cd)
      expect(releases).toEqual(["OPSP0001", "OPSP0003"])
      expect(registrationsOf(sim)).toHaveLength(40)
      expect(registrationsOf(sim)).not.toContain("H0STCNT0|SYN001")
    }))

  it.scopedLive("the mock profile serves notices on H0STCNI9 (H0STCNI0 is refused) and checks the HTS id", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim({ profile: "mock" })
      const approval = yield* approvalOf(sim)
      const s = yield* rawSocket(sim.wsUrl)
      s.ws.send(register(approval, "H0STCNI0", CLIENT_ACCOUNT.htsId))
      s.ws.send(register(approval, "H0STCNI9", "someone-else"))
      s.ws.send(register(approval, "H0STCNI9", CLIENT_ACCOUNT.htsId))
      const acks = (yield* waitFor(s.frames, 3)).map((f) => JSON.parse(f))
      expect(acks.map((a) => a.body.msg_cd)).toEqual(["OPSP8991", "OPSP8992", "OPSP0000"])
      expect(acks[2].header.encrypt).toBe("Y")
      expect(acks[2].body.output.key).toHaveLength(32)
      expect(acks[2].body.output.iv).toHaveLength(16)
    }))

  it.scopedLive("PINGPONG arrives periodically and an echo keeps the session; terminate drops it with 1006", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim({ pingIntervalMs: 100 })
      const approval = yield* approvalOf(sim)
      const s = yield* rawSocket(sim.wsUrl)
      const frames = yield* waitFor(s.frames, 2)
      const ping = frames.find((f) => f.includes("PINGPONG"))!
      expect(JSON.parse(ping).header.datetime).toMatch(/^\d{14}$/)
      s.ws.send(ping)
      s.ws.pong(ping)
      s.ws.send(register(approval, "H0STCNI0", CLIENT_ACCOUNT.htsId))
      const ackOf = (frames: ReadonlyArray<string>) => frames.map((f) => parseServerFrame(f)).find((f) => f._tag === "Right" && f.right._tag === "Ack")
      for (let waited = 0; ackOf(s.frames) === undefined && waited < 3_000; waited += 10) yield* Effect.sleep("10 millis")
      const ack = ackOf(s.frames)
      expect(ack?._tag === "Right" && ack.right._tag === "Ack" && ack.right.encrypted && ack.right.cipher !== undefined).toBe(true)
      expect(s.ws.readyState).toBe(WebSocket.OPEN)
      yield* Effect.sync(() => sim.hub.terminateAll())
      expect(yield* Effect.promise(() => s.closed)).toBe(1006)
    }))
})
