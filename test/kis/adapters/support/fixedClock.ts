// A MarketClock frozen at noon KST of one date, for adapters that read "today" from the market clock.
import { Effect, Layer } from "effect"
import { kstInstant, type TradeDate } from "../../../../src/domain/Time.js"
import { MarketClock } from "../../../../src/services/MarketClock.js"

export const fixedMarketClock = (today: TradeDate) =>
  Layer.succeed(MarketClock, {
    now: Effect.succeed(kstInstant(today, "120000")),
    today: Effect.succeed(today),
    phase: Effect.succeed("closed" as const),
    isTradingDay: () => true
  })

/** `YYYYMMDD` → `YYYY-MM-DD`. */
export const dashed = (yyyymmdd: string): TradeDate => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}` as TradeDate
