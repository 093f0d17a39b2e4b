// KIS realtime order/fill notices (H0STCNI0) as the engine's fill notices: fills only (acknowledgements and refusals
// are left to polling), dated on the market clock's trading day, each with an identity that a repeated frame shares.
import { Effect, Option, Stream } from "effect"
import type { RealtimeClientApi } from "../kis/realtime/RealtimeClient.js"
import { brokerFillOf } from "../kis/realtime/records.js"
import type { MarketClock } from "../services/MarketClock.js"
import { orderNoKey } from "./orderResolution.js"
import type { FillNotice } from "./TradingEngine.js"

/**
 * Two genuine fills of one order with the same quantity and price in the same second share an identity, so the
 * second is missed here; the reconciler's polling (cumulative quantities) books it. The reverse never happens.
 */
export const engineFillNotices = (realtime: RealtimeClientApi, clock: MarketClock["Type"]) =>
  realtime.fillNotices.pipe(
    Stream.mapEffect((notice) => Effect.map(clock.today, (today) => Option.fromNullable(brokerFillOf(notice, today)))),
    Stream.filterMap((fill) => fill),
    Stream.map((fill): FillNotice => ({
      brokerOrderId: fill.brokerOrderId,
      quantity: fill.quantity,
      price: fill.price,
      at: fill.at,
      identity: `${orderNoKey(fill.brokerOrderId)}:${fill.at}:${fill.quantity}:${fill.price}`
    }))
  )
