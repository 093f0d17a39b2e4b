// Errors that cross the ports, named for what the caller may do next. Schema-tagged so the order journal can persist them.
import { Schema } from "effect"
import { ClientOrderId } from "../domain/Order.js"

/** The broker refused the order (market closed, off-tick price, not enough cash or shares). Final: record it, move on. */
export class BrokerRejected extends Schema.TaggedError<BrokerRejected>()("BrokerRejected", {
  code: Schema.String,
  message: Schema.String
}) {}

/** The request may have reached the broker (timeout or dropped response after sending). Reconcile; never resend. */
export class OutcomeUnknown extends Schema.TaggedError<OutcomeUnknown>()("OutcomeUnknown", {
  id: ClientOrderId,
  message: Schema.String
}) {}

/** The broker could not be reached and provably nothing was sent. Safe to retry later. */
export class BrokerUnavailable extends Schema.TaggedError<BrokerUnavailable>()("BrokerUnavailable", {
  message: Schema.String
}) {}

/** Market data could not be had (unknown symbol, no data for the range, source down). */
export class MarketDataUnavailable extends Schema.TaggedError<MarketDataUnavailable>()("MarketDataUnavailable", {
  ticker: Schema.String,
  message: Schema.String
}) {}
