// Trading costs on KRX: broker commission on both sides and the sell-side securities transaction tax
// (including the rural special tax) as in force on the settlement date, by market. Each charge floors to the won.
import type { Instrument, Market } from "../Market.js"
import type { Won } from "../Money.js"
import type { TradeDate } from "../Time.js"

/** Default broker commission: 0.015 % of the notional on each side. */
export const DEFAULT_COMMISSION_RATE = 0.00015

/** A sell-tax rate in force from `from` (inclusive) until the next entry. */
interface TaxStep {
  readonly from: string
  readonly rate: number
}

const KOSPI_KOSDAQ_TAX: ReadonlyArray<TaxStep> = [
  { from: "0000-01-01", rate: 0.003 },
  { from: "2019-05-30", rate: 0.0025 },
  { from: "2021-01-01", rate: 0.0023 },
  { from: "2023-01-01", rate: 0.002 },
  { from: "2024-01-01", rate: 0.0018 },
  { from: "2025-01-01", rate: 0.0015 },
  { from: "2026-01-01", rate: 0.002 }
]

const KONEX_TAX: ReadonlyArray<TaxStep> = [
  { from: "0000-01-01", rate: 0.003 },
  { from: "2019-05-30", rate: 0.001 }
]

const stepRate = (steps: ReadonlyArray<TaxStep>, date: string): number => {
  let rate = steps[0]!.rate
  for (const s of steps) {
    if (date >= s.from) rate = s.rate
    else break
  }
  return rate
}

/**
 * The sell-side tax rate for a sale settling on `settlementDate` (KRX applies the rate by settlement
 * date, T+2, so the last two trading days of a year pay the next year's rate). ETF/ETN/ELW pay none.
 */
export const sellTaxRate = (instrument: Instrument, settlementDate: TradeDate): number =>
  instrument.kind !== "stock" ? 0 : stepRate(instrument.market === "KONEX" ? KONEX_TAX : KOSPI_KOSDAQ_TAX, settlementDate)

/** How costs are charged: a fixed commission rate, and either the dated tax schedule or a flat override. */
export interface CostModel {
  readonly commissionRate: number
  /** A flat sell-tax rate that overrides the dated schedule, or undefined to use the schedule. */
  readonly flatTaxRate: number | undefined
}

export const KRX_COSTS: CostModel = { commissionRate: DEFAULT_COMMISSION_RATE, flatTaxRate: undefined }
export const ZERO_COSTS: CostModel = { commissionRate: 0, flatTaxRate: 0 }

const SCALE = 1_000_000_000
const SCALE_BIG = BigInt(SCALE)

/**
 * floor(amount × rate) computed exactly in decimal: the rate is taken to nine decimal places, so
 * 20,000 × 0.00015 is 3 won, not the 2 that binary floating point would give.
 */
export const floorMul = (amount: number, rate: number): Won => {
  const r = Math.round(rate * SCALE)
  const product = amount * r
  if (Number.isSafeInteger(product)) {
    let q = Math.floor(product / SCALE)
    if (q * SCALE > product) q--
    else if ((q + 1) * SCALE <= product) q++
    return q as Won
  }
  const big = BigInt(Math.trunc(amount)) * BigInt(r)
  const q = big / SCALE_BIG
  return Number(big < 0n && q * SCALE_BIG !== big ? q - 1n : q) as Won
}

export const commission = (notional: number, model: CostModel): Won => floorMul(notional, model.commissionRate)

export const sellTax = (notional: number, instrument: Instrument, settlementDate: TradeDate, model: CostModel): Won =>
  floorMul(notional, model.flatTaxRate ?? sellTaxRate(instrument, settlementDate))

/** Market of a tax step, exposed for reports that print the schedule. */
export const taxScheduleFor = (market: Market): ReadonlyArray<TaxStep> => (market === "KONEX" ? KONEX_TAX : KOSPI_KOSDAQ_TAX)
