// The run's tables as RFC 4180 CSV (comma separated, CRLF rows, fields quoted when they hold a comma, quote
// or line break), UTF-8, so spreadsheets and dataframe libraries read them back exactly.
import type { BacktestResult } from "../BacktestResult.js"

type Cell = string | number | boolean | null | undefined

const cell = (value: Cell): string => {
  if (value === null || value === undefined) return ""
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** A header row and data rows as CSV text, ending with a line break. */
export const toCsv = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<Cell>>): string =>
  [header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n"

export const equityCsv = (result: BacktestResult): string =>
  toCsv(["date", "cash", "equity", "benchmark", "exposure"],
    result.equity.map((p) => [p.date, p.cash, p.equity, p.benchmark, p.exposure]))

export const tradesCsv = (result: BacktestResult): string =>
  toCsv(["ticker", "entryDate", "entryPrice", "exitDate", "exitPrice", "quantity", "pnl", "returnPct", "holdingDays"],
    result.trades.map((t) => [t.ticker, t.entryDate, t.entryPrice, t.exitDate, t.exitPrice, t.quantity, t.pnl, t.returnPct, t.holdingDays]))

export const ordersCsv = (result: BacktestResult): string =>
  toCsv(["id", "ticker", "side", "type", "quantity", "limitPrice", "decidedOn", "state", "filledQuantity", "averageFillPrice", "reason"],
    result.orders.map((o) => [o.id, o.ticker, o.side, o.type, o.quantity, o.limitPrice, o.decidedOn, o.state, o.filledQuantity, o.averageFillPrice, o.reason]))

export const fillsCsv = (result: BacktestResult): string =>
  toCsv(["orderId", "date", "ticker", "side", "quantity", "price", "commission", "tax"],
    result.fills.map((f) => [f.orderId, f.date, f.ticker, f.side, f.quantity, f.price, f.commission, f.tax]))
