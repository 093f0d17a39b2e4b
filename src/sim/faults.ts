// Faults kis-sim injects on demand for chaos tests (admin endpoint or flags): added latency, order responses dropped
// after the order was accepted, HTTP 5xx answers, duplicate and late fill notices. WebSocket drops are an admin action.
import { Either, Schema } from "effect"

export interface Faults {
  /** Added to every REST answer and to every realtime notice. */
  latencyMs: number
  /** The next n accepted orders (order-cash, order-rvsecncl) get no answer: the socket is destroyed. */
  dropOrderResponses: number
  /** The next n data requests are answered with `httpErrorStatus` and EGW00002 before reaching the exchange. */
  httpErrors: number
  httpErrorStatus: number
  /** Every order/fill notice is sent twice. */
  duplicateNotices: boolean
  /** Notices are held back this long (they then arrive after the REST answer). */
  noticeDelayMs: number
}

export const noFaults = (): Faults => ({
  latencyMs: 0, dropOrderResponses: 0, httpErrors: 0, httpErrorStatus: 500, duplicateNotices: false, noticeDelayMs: 0
})

const Count = Schema.Int.pipe(Schema.between(0, 1_000_000))
export const FaultsPatch = Schema.Struct({
  latencyMs: Schema.optional(Count),
  dropOrderResponses: Schema.optional(Count),
  httpErrors: Schema.optional(Count),
  httpErrorStatus: Schema.optional(Schema.Int.pipe(Schema.between(500, 599))),
  duplicateNotices: Schema.optional(Schema.Boolean),
  noticeDelayMs: Schema.optional(Count)
})
export type FaultsPatch = typeof FaultsPatch.Type

export const decodeFaultsPatch = (u: unknown): Either.Either<FaultsPatch, string> =>
  Either.mapLeft(Schema.decodeUnknownEither(FaultsPatch, { onExcessProperty: "error" })(u), (e) => e.message)

export const applyFaults = (faults: Faults, patch: FaultsPatch): void => {
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (faults as unknown as Record<string, unknown>)[k] = v
}
