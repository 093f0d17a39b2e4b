// The MarketClock port: "as of when, and is KRX open". In backtests the replay cursor; live, the wall clock
// read through Effect's Clock plus the KRX calendar. Strategies never read it: they get `asOf` as an argument.
import { Context, type Effect } from "effect"
import type { SessionPhase } from "../domain/krx/sessions.js"
import type { Instant, TradeDate } from "../domain/Time.js"

export class MarketClock extends Context.Tag("trader/MarketClock")<MarketClock, {
  /** The current instant (UTC epoch ms). */
  readonly now: Effect.Effect<Instant>
  /** The KST calendar date of `now`. */
  readonly today: Effect.Effect<TradeDate>
  /** The KRX session phase at `now` ("closed" on holidays and weekends). */
  readonly phase: Effect.Effect<SessionPhase>
  /** Whether KRX trades on the date (calendar table, extended by KIS chk-holiday when live). */
  readonly isTradingDay: (date: TradeDate) => boolean
}>() {}
