// Round-trip trades from the fill log: buys open lots, sells close them first-in first-out. Fees are spread over
// the shares of each fill; a lot still held at the end is an open trade marked at the last close.
import type { Ticker, Won } from "../domain/Money.js"
import type { TradeDate } from "../domain/Time.js"
import type { FillRecord, TradeRecord } from "./BacktestResult.js"

interface Lot {
  readonly date: TradeDate
  readonly price: number
  quantity: number
  /** Buy commission per share of this lot. */
  readonly feePerShare: number
}

const DAY_MS = 86_400_000

/** Calendar days between two dates; each date is parsed once per run (fills share a few thousand dates). */
const dayCounter = () => {
  const dayNumbers = new Map<TradeDate, number>()
  const dayNumber = (date: TradeDate): number => {
    let n = dayNumbers.get(date)
    if (n === undefined) dayNumbers.set(date, n = Math.round(Date.parse(date) / DAY_MS))
    return n
  }
  return (a: TradeDate, b: TradeDate): number => dayNumber(b) - dayNumber(a)
}

const trade = (
  ticker: Ticker,
  lot: Lot,
  quantity: number,
  exit: { readonly date: TradeDate | undefined; readonly price: number; readonly feePerShare: number },
  endDate: TradeDate,
  daysBetween: (a: TradeDate, b: TradeDate) => number
): TradeRecord => {
  const cost = lot.price * quantity
  const pnl = Math.round((exit.price - lot.price) * quantity - (lot.feePerShare + exit.feePerShare) * quantity)
  return {
    ticker,
    entryDate: lot.date,
    entryPrice: lot.price,
    exitDate: exit.date,
    exitPrice: exit.date === undefined ? undefined : exit.price,
    quantity,
    pnl: pnl as Won,
    returnPct: cost > 0 ? (pnl / cost) * 100 : 0,
    holdingDays: daysBetween(lot.date, exit.date ?? endDate)
  }
}

/** FIFO round trips of `fills` (in time order); open lots are marked at `lastClose` as of `endDate`. */
export const roundTrips = (
  fills: ReadonlyArray<FillRecord>,
  lastClose: (ticker: Ticker) => number | undefined,
  endDate: TradeDate
): ReadonlyArray<TradeRecord> => {
  const lots = new Map<Ticker, Array<Lot>>()
  const out: Array<TradeRecord> = []
  const daysBetween = dayCounter()
  for (const f of fills) {
    let queue = lots.get(f.ticker)
    if (queue === undefined) lots.set(f.ticker, queue = [])
    if (f.side === "buy") {
      queue.push({ date: f.date, price: f.price, quantity: f.quantity, feePerShare: f.commission / f.quantity })
      continue
    }
    const exit = { date: f.date, price: f.price, feePerShare: (f.commission + f.tax) / f.quantity }
    let left = f.quantity
    while (left > 0 && queue.length > 0) {
      const lot = queue[0]!
      const q = Math.min(left, lot.quantity)
      out.push(trade(f.ticker, lot, q, exit, endDate, daysBetween))
      lot.quantity -= q
      left -= q
      if (lot.quantity === 0) queue.shift()
    }
  }
  for (const [ticker, queue] of lots) {
    for (const lot of queue) {
      out.push(trade(ticker, lot, lot.quantity, { date: undefined, price: lastClose(ticker) ?? lot.price, feePerShare: 0 }, endDate, daysBetween))
    }
  }
  return out
}
