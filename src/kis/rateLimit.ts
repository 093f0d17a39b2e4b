// One request limiter per app key, shared by every KIS call (token, hashkey, reads, orders). Orders and cancels
// jump ahead of queued reads, so a burst of polling never delays an exit.
//
// Why not Effect's RateLimiter alone: its token bucket lets `limit` calls start at once and then refills, so a
// sliding one-second window can see almost 2×limit starts, which KIS answers with EGW00201. We use it with a
// bucket of one slot per `1s / limit` (strict spacing, never more than `limit` starts in any one-second window)
// and put a two-level priority queue in front of it: one dispatcher fiber waits for the next slot and hands it to
// the oldest waiting order, else to the oldest waiting read. Slots are spaced 5 % wider than `1s / limit`: KIS
// counts arrivals, and network jitter can bunch requests that left evenly spaced (measured in bench/kis-pipeline.ts).
import { Deferred, Effect, Queue, RateLimiter, type Scope } from "effect"

export type RequestPriority = "order" | "read"

/** Extra spacing between slots, as a fraction of `1s / limit`. */
export const SPACING_HEADROOM = 0.05

export interface KisRateLimiter {
  /** Waits for a slot, then runs `effect`. Orders are served before reads that are still waiting. */
  readonly withSlot: <A, E, R>(priority: RequestPriority, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

export const makeKisRateLimiter = (requestsPerSecond: number): Effect.Effect<KisRateLimiter, never, Scope.Scope> =>
  Effect.gen(function* () {
    const limiter = yield* RateLimiter.make({ limit: 1, interval: `${(1000 * (1 + SPACING_HEADROOM)) / requestsPerSecond} millis` })
    const waiting: Record<RequestPriority, Array<Deferred.Deferred<void>>> = { order: [], read: [] }
    const arrivals = yield* Queue.unbounded<void>()

    const grantNext = Effect.sync(() => waiting.order.shift() ?? waiting.read.shift()).pipe(
      Effect.flatMap((next) => (next === undefined ? Effect.void : Deferred.succeed(next, undefined)))
    )
    // One slot per arrival; a waiter that gave up (interrupted) leaves its slot unused rather than granting two.
    yield* Queue.take(arrivals).pipe(
      Effect.zipRight(limiter(grantNext)),
      Effect.forever,
      Effect.forkScoped
    )

    const acquire = (priority: RequestPriority) =>
      Effect.gen(function* () {
        const ticket = yield* Deferred.make<void>()
        waiting[priority].push(ticket)
        yield* Queue.offer(arrivals, undefined)
        yield* Deferred.await(ticket).pipe(
          Effect.onInterrupt(() =>
            Effect.sync(() => {
              const i = waiting[priority].indexOf(ticket)
              if (i >= 0) waiting[priority].splice(i, 1)
            })
          )
        )
      })

    return {
      withSlot: (priority, effect) => Effect.zipRight(acquire(priority), effect)
    }
  })
