// Risk limits: the configurable thresholds every order is checked against, with conservative defaults.
// A Schema so limits read from a config file are validated (and defaulted) before any order is checked.
import { Schema } from "effect"
import { SessionPhase } from "../domain/krx/sessions.js"

const Pct = (max: number) => Schema.Number.pipe(Schema.greaterThan(0), Schema.lessThanOrEqualTo(max))

export const RiskLimits = Schema.Struct({
  /** Largest value of one position after a buy (marked holding + open buys + this buy with commission), % of equity. */
  maxPositionPct: Schema.optionalWith(Pct(100), { default: () => 20 }),
  /** Largest value of all positions plus open buys after a buy, % of equity (below 100 keeps a cash reserve). */
  maxExposurePct: Schema.optionalWith(Pct(100), { default: () => 100 }),
  /** Most orders accepted in any 60-second window. */
  maxOrdersPerMinute: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 30 }),
  /** Loss from start-of-day equity that stops new buys until the next session, % of start-of-day equity. */
  dailyLossLimitPct: Schema.optionalWith(Pct(100), { default: () => 3 }),
  /** Reject orders outside `orderPhases` (live and paper trading; a daily backtest has no intraday phase). */
  enforceTradingHours: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  /** Session phases that take plain limit and market orders: the auctions and continuous trading, 08:30–15:30 KST. */
  orderPhases: Schema.optionalWith(Schema.Array(SessionPhase), {
    default: () => ["opening-auction", "regular", "closing-auction"] as const
  }),
  /** Market and stop orders reserve cash at the upper price limit and fill at an unknown price; some users forbid them. */
  allowMarketOrders: Schema.optionalWith(Schema.Boolean, { default: () => true })
})
export type RiskLimits = typeof RiskLimits.Type

export const DEFAULT_RISK_LIMITS: RiskLimits = RiskLimits.make({})

/** Decodes limits from configuration (JSON, env), filling defaults; a ParseError names the offending field. */
export const decodeRiskLimits = Schema.decodeUnknownEither(RiskLimits)
