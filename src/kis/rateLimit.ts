// One request limiter per app key, shared by every KIS call (token, hashkey, reads, orders): a sliding-window log of
// send times, exact by construction (no one-second window over `limit`), grants spaced 1 s / limit apart (no bursts),
// orders before queued reads, and a margin in milliseconds, not a percentage, for send-to-arrival jitter.
import { Duration, Effect, type Scope } from "effect"

export type RequestPriority = "order" | "read"

/** Default slack added to the one-second window: covers send-to-arrival jitter on loopback and LAN paths. */
export const DEFAULT_WINDOW_MARGIN = Duration.millis(25)

/** The window in microseconds: the limiter keeps time in whole microseconds, so its sums are exact. */
const WINDOW_US = 1_000_000
/** Log entry of a granted request that has not been sent yet: its slot cannot be reused. */
const PENDING = Number.POSITIVE_INFINITY

/** A granted slot. */
export interface RateSlot {
  /** The request's first byte is leaving now: its start counts from here (may be called again on a resend). */
  sent(): void
  /** The request is over; if it never reported `sent`, it counts from now. Idempotent. */
  settle(): void
}

export interface KisRateLimiter {
  /**
   * Waits for a slot, then runs `use`. Orders are served before reads that are still waiting. The slot counts
   * from `slot.sent()`, or from the end of `use` if it never calls it (nothing sent, or a caller that cannot tell).
   */
  readonly withSlot: <A, E, R>(priority: RequestPriority, use: (slot: RateSlot) => Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /**
   * A slot at once if one is free and nobody waits (never jumping the queue), else undefined; no Effect, no
   * allocation beyond the slot. The caller must `settle` it on every path (the transport does so when it ends).
   */
  readonly tryAcquire: () => RateSlot | undefined
}

/** A queued request; the dispatcher sets `slot` before resuming it. */
interface Waiter {
  resume: (granted: Effect.Effect<void>) => void
  slot: RateSlot | undefined
}

/**
 * Slots are granted in arrival order (orders first), at least 1 s / limit after the previous grant; a request may
 * start once the request granted `limit` grants earlier was *sent* at least 1 s + margin ago. Its log entry holds its send time as reported by the transport (so
 * connection setup never counts) and blocks reuse until then. Exact because grants are FIFO: for k ≤ j − limit,
 * grant(j) ≥ grant(k + limit) ≥ sent(k) + window and sent(j) ≥ grant(j), so any `limit + 1` sends include two a
 * window apart. Overloaded, it runs at `limit / (1 s + margin)`: 97.6 % of the limit with the default margin.
 */
export const makeKisRateLimiter = (
  requestsPerSecond: number,
  margin: Duration.DurationInput = DEFAULT_WINDOW_MARGIN
): Effect.Effect<KisRateLimiter, never, Scope.Scope> =>
  Effect.gen(function* () {
    const limit = Math.max(1, Math.floor(requestsPerSecond))
    const spanUs = WINDOW_US + Math.round(Duration.toMillis(margin) * 1000)
    // rounded up: grants are never closer than 1 s / limit
    const spacingUs = Math.ceil(WINDOW_US / limit)
    /** Send times of the last `limit` grants, in grant order; `oldest` indexes the entry the next grant replaces. */
    const sends = new Float64Array(limit).fill(Number.NEGATIVE_INFINITY)
    /** The slot owning each entry, so a late `sent` of a finished request cannot touch a reused entry. */
    const owners: Array<Slot | undefined> = new Array(limit)
    let oldest = 0
    let lastGrant = Number.NEGATIVE_INFINITY
    const waiting: Record<RequestPriority, Array<Waiter>> = { order: [], read: [] }
    const wake = yield* Effect.makeLatch(false)
    /** One clock for the whole log (the TestClock in tests), whichever fiber calls. */
    const clock = yield* Effect.clock
    /**
     * Whole microseconds: above 1000/s the spacing is under a millisecond (a millisecond clock would hold back a request
     * that is due), and integer sums never round a grant a hair early.
     */
    const now = () => Number(clock.unsafeCurrentTimeNanos() / 1000n)
    const hasWaiters = () => waiting.order.length > 0 || waiting.read.length > 0
    const freeAt = () => Math.max(sends[oldest]! + spanUs, lastGrant + spacingUs)

    class Slot implements RateSlot {
      constructor(private readonly index: number) {}
      sent(): void {
        this.stamp(false)
      }
      /** At the end of `use` (or of an interrupted wait): a slot still pending counts from now. */
      settle(): void {
        this.stamp(true)
      }
      private stamp(onlyIfPending: boolean): void {
        if (owners[this.index] !== this || (onlyIfPending && sends[this.index] !== PENDING)) return
        sends[this.index] = now()
        if (hasWaiters()) wake.unsafeOpen()
      }
    }
    const grant = (at: number): Slot => {
      const slot = new Slot(oldest)
      sends[oldest] = PENDING
      owners[oldest] = slot
      lastGrant = at
      oldest = (oldest + 1) % limit
      return slot
    }

    // The dispatcher runs only while someone waits: it sleeps until the oldest logged send leaves the window (or,
    // while that request is still pending, until it is sent), then grants in priority order.
    const dispatch: Effect.Effect<void> = Effect.suspend(() => {
      const at = now()
      if (!hasWaiters() || freeAt() === PENDING) {
        wake.unsafeClose()
        return wake.await
      }
      if (freeAt() > at) return clock.sleep(Duration.micros(BigInt(freeAt() - at)))
      const next = (waiting.order.shift() ?? waiting.read.shift())!
      next.slot = grant(at)
      next.resume(Effect.void)
      return Effect.void
    })
    yield* Effect.forkScoped(Effect.forever(dispatch))

    const tryAcquire = (): Slot | undefined => {
      if (hasWaiters()) return undefined
      const at = now()
      return freeAt() <= at ? grant(at) : undefined
    }

    /** Runs uninterruptibly except while queued, so a granted slot always reaches `use` or is settled. */
    const acquire = (priority: RequestPriority, restore: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>) =>
      Effect.suspend(() => {
        const free = tryAcquire()
        if (free !== undefined) return Effect.succeed<RateSlot>(free)
        const waiter: Waiter = { resume: () => {}, slot: undefined }
        const queued = Effect.async<void>((resume) => {
          waiter.resume = resume
          waiting[priority].push(waiter)
          wake.unsafeOpen()
        })
        return restore(queued).pipe(
          // A waiter that gives up leaves the queue; if it was granted meanwhile, its slot is settled (never lost).
          Effect.onInterrupt(() => Effect.sync(() => {
            const i = waiting[priority].indexOf(waiter)
            if (i >= 0) waiting[priority].splice(i, 1)
            waiter.slot?.settle()
          })),
          Effect.map(() => waiter.slot!))
      })

    return {
      tryAcquire,
      withSlot: (priority, use) =>
        Effect.uninterruptibleMask((restore) =>
          Effect.flatMap(acquire(priority, restore), (slot) => Effect.ensuring(restore(use(slot)), Effect.sync(() => slot.settle()))))
    }
  })
