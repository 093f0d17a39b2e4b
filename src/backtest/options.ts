// The realism switches and cost settings of a backtest as users type them (`--slippage 2t`, `--volume-cap 10%`),
// parsed into the simulator's settings, and echoed back as the assumptions printed in the report.
import { Either } from "effect"
import type { TradingCalendar } from "../domain/krx/calendar.js"
import { type CostModel, KRX_COSTS, ZERO_COSTS } from "../domain/krx/costs.js"
import { InvalidDomainValue } from "../domain/errors.js"
import { REALISTIC_RULES, type Slippage } from "./matching/matchOrder.js"
import { DEFAULT_RISK_LIMITS, type RiskLimits } from "../risk/RiskLimits.js"
import type { SimSettings } from "./SimExchange.js"

/**
 * Risk rules in a daily backtest: the defaults, but no trading-hours gate (a replayed day has no clock) and no
 * order-rate cap (every order of a replayed day carries the same decision time).
 */
export const BACKTEST_RISK_LIMITS: RiskLimits = { ...DEFAULT_RISK_LIMITS, enforceTradingHours: false, maxOrdersPerMinute: Number.MAX_SAFE_INTEGER }

export interface SimSwitches {
  readonly costs: "krx" | "zero"
  /** Flat commission rate overriding the cost preset (0.00015 = 0.015 %). */
  readonly commission: number | undefined
  /** Flat sell-tax rate overriding the dated schedule (0.002 = 0.20 %). */
  readonly tax: number | undefined
  readonly fill: "next-open" | "close"
  /** `0`, `<n>t` ticks, or `<n>bps`. */
  readonly slippage: string
  /** `off`, `<n>%` or a fraction such as `0.1`. */
  readonly volumeCap: string
  readonly remainder: "keep" | "cancel"
  readonly limitLock: boolean
}

export const DEFAULT_SWITCHES: SimSwitches = {
  costs: "krx",
  commission: undefined,
  tax: undefined,
  fill: "next-open",
  slippage: "0",
  volumeCap: "10%",
  remainder: "keep",
  limitLock: true
}

const invalid = (field: string, value: string, rule: string) => Either.left(new InvalidDomainValue({ field, value: JSON.stringify(value), rule }))

export const parseSlippage = (text: string): Either.Either<Slippage, InvalidDomainValue> => {
  const m = /^(\d+(?:\.\d+)?)(t|ticks?|bps)?$/i.exec(text.trim())
  if (m === null) return invalid("--slippage", text, "expected 0, <n>t (ticks) or <n>bps, e.g. 2t or 5bps")
  const n = Number(m[1])
  if (n === 0) return Either.right({ _tag: "none" })
  const unit = m[2]?.toLowerCase()
  if (unit === undefined) return invalid("--slippage", text, "give a unit: 2t for ticks, 5bps for basis points")
  if (unit === "bps") return Either.right({ _tag: "bps", bps: n })
  return Number.isInteger(n) ? Either.right({ _tag: "ticks", ticks: n }) : invalid("--slippage", text, "ticks must be whole")
}

/** Fraction of a bar's volume one order may take, or undefined for no cap. */
export const parseVolumeCap = (text: string): Either.Either<number | undefined, InvalidDomainValue> => {
  const t = text.trim().toLowerCase()
  if (t === "off" || t === "none") return Either.right(undefined)
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(t)
  const fraction = pct !== null ? Number(pct[1]) / 100 : /^\d+(?:\.\d+)?$/.test(t) ? Number(t) : NaN
  return fraction > 0 && fraction <= 1
    ? Either.right(fraction)
    : invalid("--volume-cap", text, "expected off, a percentage like 10%, or a fraction in (0, 1] like 0.1")
}

const rate = (field: string, value: number | undefined): Either.Either<number | undefined, InvalidDomainValue> =>
  value === undefined || (Number.isFinite(value) && value >= 0 && value < 1)
    ? Either.right(value)
    : invalid(field, String(value), "expected a rate in [0, 1), e.g. 0.00015")

export const costModelOf = (s: SimSwitches): Either.Either<CostModel, InvalidDomainValue> =>
  Either.gen(function* () {
    const base = s.costs === "zero" ? ZERO_COSTS : KRX_COSTS
    const commission = yield* rate("--commission", s.commission)
    const tax = yield* rate("--tax", s.tax)
    return { commissionRate: commission ?? base.commissionRate, flatTaxRate: tax ?? base.flatTaxRate }
  })

/** The simulator settings the switches describe; settlement (T+2) follows the trading calendar. */
export const simSettingsOf = (s: SimSwitches, calendar: Pick<TradingCalendar, "settlementDate">): Either.Either<SimSettings, InvalidDomainValue> =>
  Either.gen(function* () {
    const slippage = yield* parseSlippage(s.slippage)
    const volumeCap = yield* parseVolumeCap(s.volumeCap)
    const costs = yield* costModelOf(s)
    return {
      rules: { ...REALISTIC_RULES, limitLock: s.limitLock, volumeCap, slippage },
      fill: s.fill,
      remainder: s.remainder,
      costs,
      settlementDate: calendar.settlementDate
    }
  })

/** The switches as the report prints them. */
export const assumptionsOf = (s: SimSwitches, settings: SimSettings, riskChecks: boolean): Record<string, string | number | boolean> => ({
  fill: s.fill,
  slippage: s.slippage,
  volumeCap: settings.rules.volumeCap === undefined ? "off" : `${settings.rules.volumeCap * 100}%`,
  unfilledRemainder: s.remainder,
  limitLock: s.limitLock ? "on" : "off",
  limitFill: settings.rules.limitFill,
  costs: s.costs,
  commissionRate: settings.costs.commissionRate,
  sellTax: settings.costs.flatTaxRate === undefined ? "KRX schedule by settlement date (T+2)" : settings.costs.flatTaxRate,
  intrabarPath: "open → low → high → close (stop-loss before take-profit)",
  riskChecks
})
