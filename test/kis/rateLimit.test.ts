// The shared KIS rate limiter under TestClock: never more than `limit` starts in any one-second window, and
// orders served ahead of reads that are still queued.
import { it } from "@effect/vitest"
import { Clock, Effect, Fiber, Ref, TestClock } from "effect"
import { describe, expect } from "vitest"
import { makeKisRateLimiter, type RequestPriority } from "../../src/kis/rateLimit.js"

const maxInAnyWindow = (starts: ReadonlyArray<number>, windowMs: number) => {
  let best = 0
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (starts[i]! - starts[j]! >= windowMs) j++
    best = Math.max(best, i - j + 1)
  }
  return best
}

describe("KIS rate limiter", () => {
  it.scoped("5x overload at 20/s: at most 20 starts in any 1-second window, sustained just under it", () =>
    Effect.gen(function* () {
      const limiter = yield* makeKisRateLimiter(20)
      const starts = yield* Ref.make<ReadonlyArray<number>>([])
      const record = Effect.flatMap(Clock.currentTimeMillis, (t) => Ref.update(starts, (s) => [...s, t]))
      const fiber = yield* Effect.fork(Effect.all(Array.from({ length: 100 }, () => limiter.withSlot("read", record)), { concurrency: "unbounded" }))
      yield* TestClock.adjust("6 seconds")
      yield* Fiber.join(fiber)
      const s = yield* Ref.get(starts)
      expect(s).toHaveLength(100)
      expect(maxInAnyWindow(s, 1000)).toBeLessThanOrEqual(20)
      expect(maxInAnyWindow(s, 1000)).toBeGreaterThanOrEqual(19) // 5 % headroom, not a lower rate
      expect(s[s.length - 1]! - s[0]!).toBeGreaterThanOrEqual(99 * 50 * 1.05 - 1)
    }))

  it.scoped("an order queued behind reads starts next", () =>
    Effect.gen(function* () {
      const limiter = yield* makeKisRateLimiter(2)
      const order = yield* Ref.make<ReadonlyArray<string>>([])
      const job = (p: RequestPriority, name: string) => limiter.withSlot(p, Ref.update(order, (o) => [...o, name]))
      const reads = yield* Effect.fork(Effect.all(["r1", "r2", "r3", "r4"].map((n) => job("read", n)), { concurrency: "unbounded" }))
      yield* TestClock.adjust("10 millis") // r1 has started; r2..r4 wait for slots
      const placed = yield* Effect.fork(job("order", "o1"))
      for (let i = 0; i < 10; i++) yield* TestClock.adjust("500 millis")
      yield* Fiber.join(reads)
      yield* Fiber.join(placed)
      const seen = yield* Ref.get(order)
      expect(seen[0]).toBe("r1")
      expect(seen.indexOf("o1")).toBeLessThanOrEqual(2)
      expect([...seen].sort()).toStrictEqual(["o1", "r1", "r2", "r3", "r4"])
    }))
})
