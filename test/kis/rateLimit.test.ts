// The shared KIS rate limiter under TestClock: for random arrival patterns, priorities and send delays, never
// more than `limit` sends in any one-second window, grants 1 s / limit apart, no read started while an order was
// queued; under 10x overload at least 95 % of the limit; a slot counts from its send; an abandoned wait loses nothing;
// sub-millisecond spacing on the real clock. Times are read as the limiter reads them, in whole microseconds: the
// TestClock keeps fractional milliseconds, whose float sums differ from the limiter's integer ones by a microsecond.
import { it } from "@effect/vitest"
import { Clock, Duration, Effect, Fiber, FastCheck as fc, Option, TestClock } from "effect"
import { describe, expect } from "vitest"
import { DEFAULT_WINDOW_MARGIN, makeKisRateLimiter, type RequestPriority } from "../../src/kis/rateLimit.js"

const SECOND_US = 1_000_000
const MARGIN_US = Duration.toMillis(DEFAULT_WINDOW_MARGIN) * 1000

const maxInAnySecond = (sendsUs: ReadonlyArray<number>) => {
  const s = [...sendsUs].sort((a, b) => a - b)
  let best = 0
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i]! - s[j]! >= SECOND_US) j++
    best = Math.max(best, i - j + 1)
  }
  return best
}

/** TestClock runs every sleep due inside one adjustment in order, so the step only trades polls for speed. */
const STEP_MS = 1000

interface Arrival {
  readonly at: number
  readonly priority: RequestPriority
  /** Time between the grant and the first byte (connection setup); -1 = never reports `sent`. */
  readonly sendDelay: number
}
/** Grant and send instants in microseconds. */
interface Outcome extends Arrival {
  readonly granted: number
  readonly sent: number
}

/** As the limiter reads it (the TestClock's effectful `currentTimeNanos` throws on a fractional instant). */
const nowUs = Effect.clockWith((clock) => Effect.sync(() => Number(clock.unsafeCurrentTimeNanos() / 1000n)))

/**
 * Runs the arrivals through one limiter on the TestClock until all finish or `until` ms pass (the rest interrupted).
 * The default bound is far past the slowest possible drain (60 arrivals at 1/s, each sent 400 ms late: ~90 s), so a
 * stalled limiter shows as missing outcomes rather than a test that never ends.
 */
const simulate = (limit: number, arrivals: ReadonlyArray<Arrival>, until = 300_000) =>
  Effect.gen(function* () {
    const limiter = yield* makeKisRateLimiter(limit)
    const outcomes: Array<Outcome> = []
    const request = (a: Arrival) =>
      limiter.withSlot(a.priority, (slot) =>
        Effect.gen(function* () {
          const granted = yield* nowUs
          if (a.sendDelay > 0) yield* Effect.sleep(Duration.millis(a.sendDelay))
          if (a.sendDelay >= 0) slot.sent()
          outcomes.push({ ...a, granted, sent: yield* nowUs })
        }))
    // one producer sleeps from arrival to arrival and forks each request (one timer, not one per request)
    const fiber = yield* Effect.fork(Effect.gen(function* () {
      const forked: Array<Fiber.RuntimeFiber<void>> = []
      for (const a of [...arrivals].sort((x, y) => x.at - y.at)) {
        const wait = a.at - (yield* Clock.currentTimeMillis)
        if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
        forked.push(yield* Effect.fork(request(a)))
      }
      yield* Fiber.joinAll(forked)
    }))
    for (let t = 0; t < until && Option.isNone(yield* Fiber.poll(fiber)); t += STEP_MS) yield* TestClock.adjust(STEP_MS)
    yield* Fiber.interrupt(fiber)
    return outcomes
  })

const arrival = fc.record({
  at: fc.integer({ min: 0, max: 3000 }),
  priority: fc.constantFrom<RequestPriority>("read", "read", "read", "order"),
  sendDelay: fc.oneof(fc.constant(0), fc.integer({ min: -1, max: 400 }))
})

describe("KIS rate limiter", () => {
  it.scoped.prop("random arrivals: at most `limit` sends in any one-second window, orders never wait behind reads",
    [fc.integer({ min: 1, max: 8 }), fc.array(arrival, { minLength: 1, maxLength: 60 })],
    ([limit, arrivals]) =>
      Effect.gen(function* () {
        const outcomes = yield* simulate(limit, arrivals)
        expect(outcomes).toHaveLength(arrivals.length)
        expect(maxInAnySecond(outcomes.map((o) => o.sent))).toBeLessThanOrEqual(limit)
        const grants = outcomes.map((o) => o.granted).sort((a, b) => a - b)
        for (let i = 1; i < grants.length; i++) expect(grants[i]! - grants[i - 1]!).toBeGreaterThanOrEqual(SECOND_US / limit)
        // a read granted at t means no order was queued at t: any order that arrived earlier was granted by then
        for (const read of outcomes.filter((o) => o.priority === "read")) {
          for (const order of outcomes.filter((o) => o.priority === "order" && o.at * 1000 < read.granted)) {
            expect(order.granted).toBeLessThanOrEqual(read.granted)
          }
        }
      }),
    { fastCheck: { numRuns: 25 } })

  it.scoped("a spacing that is no whole number of microseconds is rounded up, never a hair short (1000/6 ms)", () =>
    Effect.gen(function* () {
      const read = (at: number): Arrival => ({ at, priority: "read", sendDelay: 0 })
      const grants = (yield* simulate(6, [read(90), read(257), read(90)])).map((o) => o.granted).sort((a, b) => a - b)
      for (let i = 1; i < grants.length; i++) expect(grants[i]! - grants[i - 1]!).toBeGreaterThanOrEqual(SECOND_US / 6)
    }))

  it.scoped("10x overload for 10 s at 20/s: sustains at least 95 % of the limit, never above it", () =>
    Effect.gen(function* () {
      // 200 requests/s offered as a burst of 20 every 100 ms (one TestClock wake-up per burst keeps the test fast)
      const arrivals = Array.from({ length: 2000 }, (_, i): Arrival => ({ at: Math.floor(i / 20) * 100, priority: "read", sendDelay: 0 }))
      const sends = (yield* simulate(20, arrivals, 11_000)).map((o) => o.sent)
      expect(maxInAnySecond(sends)).toBe(20)
      const first = Math.min(...sends)
      const inTenSeconds = sends.filter((t) => t - first < 10 * SECOND_US).length
      expect(inTenSeconds).toBeGreaterThanOrEqual(0.95 * 20 * 10)
      // steady state: `limit` sends per window plus margin, never a percentage wider
      const sorted = [...sends].sort((a, b) => a - b)
      expect(sorted[20 * 9]! - sorted[0]!).toBe(9 * (SECOND_US + MARGIN_US))
    }))

  it.scoped("a slot counts from its send, not its grant: a slow connection delays the next window", () =>
    Effect.gen(function* () {
      const outcomes = yield* simulate(1, [{ at: 0, priority: "read", sendDelay: 300 }, { at: 0, priority: "read", sendDelay: 0 }])
      const [first, second] = [...outcomes].sort((a, b) => a.granted - b.granted)
      expect([first!.granted, first!.sent]).toStrictEqual([0, 300_000])
      expect(second!.granted).toBe(300_000 + SECOND_US + MARGIN_US)
    }))

  it.scoped("an order queued behind reads starts next", () =>
    Effect.gen(function* () {
      const outcomes = yield* simulate(2, [
        ...["r1", "r2", "r3", "r4"].map((): Arrival => ({ at: 0, priority: "read", sendDelay: 0 })),
        { at: 10, priority: "order", sendDelay: 0 }
      ])
      const order = [...outcomes].sort((a, b) => a.granted - b.granted).map((o) => o.priority)
      expect(order).toStrictEqual(["read", "order", "read", "read", "read"]) // grants 500 ms apart: the order is next
    }))

  it.scopedLive("at a limit above 1000/s a slot is free again once its sub-millisecond spacing has passed", () =>
    Effect.gen(function* () {
      const limiter = yield* makeKisRateLimiter(20_000) // grants 50 µs apart
      for (let i = 0; i < 20; i++) {
        const slot = limiter.tryAcquire()
        expect(slot).toBeDefined()
        slot?.sent()
        slot?.settle()
        // 0.1 ms: past the spacing, yet mostly within the same millisecond, where a whole-millisecond clock refuses
        for (const t = performance.now(); performance.now() - t < 0.1;) continue
      }
    }))

  it.scoped("a queued request that gives up frees its place; the others still run", () =>
    Effect.gen(function* () {
      const limiter = yield* makeKisRateLimiter(1)
      const ran: Array<string> = []
      const job = (name: string) => limiter.withSlot("read", () => Effect.sync(() => void ran.push(name)))
      yield* job("first")
      const impatient = yield* Effect.fork(job("impatient"))
      const patient = yield* Effect.fork(job("patient"))
      yield* TestClock.adjust("100 millis")
      yield* Fiber.interrupt(impatient)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(patient)
      expect(ran).toStrictEqual(["first", "patient"])
    }))
})
