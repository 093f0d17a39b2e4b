// Round-trip trades from the fill log: buys open lots, sells close them first-in first-out. Fees are spread over
// the shares of each fill; a lot still held at the end is an open trade marked at the last close.
import type { Ticker, Won } from "../domain/Money.js"
import { epochDayOf, type TradeDate } from "../domain/Time.js"
import type { FillTrade, TradeRecord } from "./BacktestResult.js"

interface Lot {
  readonly date: TradeDate
  readonly price: number
  quantity: number
  /** Buy commission per share of this lot. */
  readonly feePerShare: number
}

/** One closing of `quantity` shares of `lot`: at an exit fill, or (exit date undefined) marked at `exitPrice` at the end. */
const trade = (
  ticker: Ticker,
  lot: Lot,
  quantity: number,
  exitDate: TradeDate | undefined,
  exitPrice: number,
  exitFeePerShare: number,
  endDate: TradeDate
): TradeRecord => {
  const cost = lot.price * quantity
  const pnl = Math.round((exitPrice - lot.price) * quantity - (lot.feePerShare + exitFeePerShare) * quantity)
  return {
    ticker,
    entryDate: lot.date,
    entryPrice: lot.price,
    exitDate,
    exitPrice: exitDate === undefined ? undefined : exitPrice,
    quantity,
    pnl: pnl as Won,
    returnPct: cost > 0 ? (pnl / cost) * 100 : 0,
    holdingDays: epochDayOf(exitDate ?? endDate) - epochDayOf(lot.date)
  }
}

/** FIFO round trips of `fills` (in time order); open lots are marked at `lastClose` as of `endDate`. */
export const roundTrips = (
  fills: Iterable<FillTrade>,
  lastClose: (ticker: Ticker) => number | undefined,
  endDate: TradeDate
): ReadonlyArray<TradeRecord> => {
  const lots = new Map<Ticker, Array<Lot>>()
  const out: Array<TradeRecord> = []
  for (const f of fills) {
    let queue = lots.get(f.ticker)
    if (queue === undefined) lots.set(f.ticker, queue = [])
    if (f.side === "buy") {
      queue.push({ date: f.date, price: f.price, quantity: f.quantity, feePerShare: f.commission / f.quantity })
      continue
    }
    const exitFeePerShare = (f.commission + f.tax) / f.quantity
    let left = f.quantity
    while (left > 0 && queue.length > 0) {
      const lot = queue[0]!
      const q = Math.min(left, lot.quantity)
      out.push(trade(f.ticker, lot, q, f.date, f.price, exitFeePerShare, endDate))
      lot.quantity -= q
      left -= q
      if (lot.quantity === 0) queue.shift()
    }
  }
  for (const [ticker, queue] of lots) {
    for (const lot of queue) {
      out.push(trade(ticker, lot, lot.quantity, undefined, lastClose(ticker) ?? lot.price, 0, endDate))
    }
  }
  return out
}
