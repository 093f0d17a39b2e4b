// The in-memory form of a loaded history: per-symbol columnar typed arrays (validated once at load),
// point-in-time financial statements, the universe metadata, and the warnings raised while loading.
import type { FinancialStatement } from "../../domain/Fundamentals.js"
import type { Instrument } from "../../domain/Market.js"
import type { Ticker } from "../../domain/Money.js"
import type { TradeDate } from "../../domain/Time.js"

/**
 * Daily bars of one symbol, ascending by date, one index per traded day. Prices integer won. Never written once
 * loaded: backtests share indexes derived from them (the close panel).
 */
export interface BarColumns {
  readonly ticker: Ticker
  readonly length: number
  readonly dates: ReadonlyArray<TradeDate>
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array
}

/** A symbol of the universe file (code, name, market, listing date, shares). */
export interface SymbolInfo {
  readonly ticker: Ticker
  readonly name: string
  readonly instrument: Instrument
  readonly listedOn: TradeDate | undefined
  /** Listed shares, when the universe file gives them. */
  readonly sharesOutstanding: number | undefined
}

/** Suspicious but legal data: a limit move, a zero-volume day, a gap of missing trading days. */
export interface DataWarning {
  readonly file: string
  readonly row: number | undefined
  readonly ticker: Ticker
  readonly date: TradeDate | undefined
  readonly kind: "limit-move" | "zero-volume" | "gap" | "off-tick"
  readonly message: string
}

export interface DataSet {
  /** Where it was loaded from (shown in reports). */
  readonly source: string
  readonly symbols: ReadonlyArray<SymbolInfo>
  readonly bars: ReadonlyMap<Ticker, BarColumns>
  /** Statements per symbol, oldest period first, each with its `availableFrom` date. */
  readonly statements: ReadonlyMap<Ticker, ReadonlyArray<FinancialStatement>>
  readonly warnings: ReadonlyArray<DataWarning>
}
