// A small, deterministic backtest built by hand for the report tests: three symbols on a seeded random walk,
// round trips with costs, a reflexivity-like stage annotation, and text crafted to try to inject HTML.
import type { BacktestResult, EquityPoint, FillRecord, OrderRecord, TradeRecord } from "../../../src/backtest/BacktestResult.js"
import type { BarColumns, DataSet } from "../../../src/backtest/data/DataSet.js"
import { ordinaryStock } from "../../../src/domain/Market.js"
import { type Ticker, ticker, won } from "../../../src/domain/Money.js"
import { addDays, dayOfWeek, type TradeDate, tradeDate } from "../../../src/domain/Time.js"

export const SAMSUNG = ticker("005930")
export const HYNIX = ticker("000660")
export const ODD = ticker("123456")
/** A name that would run script if any report text were inserted unescaped. */
export const HOSTILE_NAME = `<img src=x onerror="document.title='pwned'">`
export const HOSTILE_STAGE = `</script><script>document.title='pwned'</script>`

const weekdays = (from: string, count: number): Array<TradeDate> => {
  const out: Array<TradeDate> = []
  for (let d = tradeDate(from); out.length < count; d = addDays(d, 1)) {
    if (dayOfWeek(d) !== 0 && dayOfWeek(d) !== 6) out.push(d)
  }
  return out
}

/** Park–Miller generator: the same walk on every run. */
const seeded = (seed: number) => {
  let s = seed
  return () => (s = (s * 48_271) % 2_147_483_647) / 2_147_483_647
}

const walk = (t: Ticker, dates: ReadonlyArray<TradeDate>, start: number, seed: number): BarColumns => {
  const rnd = seeded(seed), n = dates.length
  const cols = { open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) }
  let price = start
  for (let i = 0; i < n; i++) {
    const open = Math.round(price * (1 + (rnd() - 0.5) * 0.01))
    const close = Math.round(open * (1 + (rnd() - 0.48) * 0.04))
    cols.open[i] = open
    cols.close[i] = close
    cols.high[i] = Math.max(open, close) + Math.round(rnd() * start * 0.01)
    cols.low[i] = Math.min(open, close) - Math.round(rnd() * start * 0.01)
    cols.volume[i] = 1000 + Math.round(rnd() * 5000)
    price = close
  }
  return { ticker: t, length: n, dates, ...cols }
}

/** Round trips per symbol as [buy day, sell day (or undefined = still open), quantity]. */
const PLAN: ReadonlyArray<readonly [Ticker, number, number | undefined, number]> = [
  [SAMSUNG, 10, 40, 100], [SAMSUNG, 55, 90, 120], [SAMSUNG, 100, undefined, 80],
  [HYNIX, 20, 70, 30], [HYNIX, 80, 110, 40],
  [ODD, 30, 60, 500]
]

export const syntheticRun = (days = 130): { result: BacktestResult; dataSet: DataSet } => {
  const dates = weekdays("2024-01-02", days)
  const bars = new Map<Ticker, BarColumns>([
    [SAMSUNG, walk(SAMSUNG, dates, 72_000, 7)], [HYNIX, walk(HYNIX, dates, 140_000, 11)], [ODD, walk(ODD, dates, 5_000, 13)]
  ])
  const initialCash = 50_000_000
  const fills: Array<FillRecord> = []
  const orders: Array<OrderRecord> = []
  const trades: Array<TradeRecord> = []
  const execute = (t: Ticker, day: number, side: "buy" | "sell", quantity: number): FillRecord => {
    const price = won(bars.get(t)!.open[day]!)
    const notional = price * quantity
    const id = `sample:${dates[day]}:${t}:${side}`
    const fill: FillRecord = {
      orderId: id, date: dates[day]!, ticker: t, side, quantity, price,
      commission: won(Math.floor(notional * 0.00015)), tax: won(side === "sell" ? Math.floor(notional * 0.0018) : 0)
    }
    fills.push(fill)
    orders.push({
      id, ticker: t, side, type: "market", quantity, limitPrice: undefined, decidedOn: dates[day - 1]!, state: "filled",
      filledQuantity: quantity, averageFillPrice: price, reason: side === "buy" ? "stage, \"acceleration\"" : "stage: climax\nexit"
    })
    return fill
  }
  for (const [t, buyDay, sellDay, quantity] of PLAN) {
    const buy = execute(t, buyDay, "buy", quantity)
    const sell = sellDay === undefined ? undefined : execute(t, sellDay, "sell", quantity)
    const exitPrice = sell?.price ?? bars.get(t)!.close[days - 1]!
    const pnl = (exitPrice - buy.price) * quantity - buy.commission - (sell === undefined ? 0 : sell.commission + sell.tax)
    trades.push({
      ticker: t, entryDate: buy.date, entryPrice: buy.price, exitDate: sell?.date, exitPrice: sell?.price, quantity,
      pnl: won(pnl), returnPct: pnl / (buy.price * quantity), holdingDays: (sellDay ?? days - 1) - buyDay
    })
  }
  fills.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))

  const held = new Map<Ticker, number>()
  let cash = initialCash, fillIndex = 0
  const benchmarkBase = bars.get(SAMSUNG)!.close[0]!
  const equity = dates.map((date, day): EquityPoint => {
    for (; fillIndex < fills.length && fills[fillIndex]!.date === date; fillIndex++) {
      const f = fills[fillIndex]!
      const sign = f.side === "buy" ? 1 : -1
      cash -= sign * f.price * f.quantity + f.commission + f.tax
      held.set(f.ticker, (held.get(f.ticker) ?? 0) + sign * f.quantity)
    }
    let holdings = 0
    for (const [t, q] of held) holdings += q * bars.get(t)!.close[day]!
    return {
      date, cash: won(cash), equity: won(cash + holdings),
      benchmark: (initialCash * bars.get(SAMSUNG)!.close[day]!) / benchmarkBase, exposure: holdings / (cash + holdings)
    }
  })

  const stages = ["태동 (inception)", "가속 (acceleration)", HOSTILE_STAGE, "붕괴 (bust)"]
  const annotations = dates.flatMap((date, day) => [
    { date, ticker: SAMSUNG, series: "stage", value: stages[Math.min(3, Math.floor(day / 35))]! },
    { date, ticker: SAMSUNG, series: "momentum", value: Math.sin(day / 9) * 10 }
  ])

  const result: BacktestResult = {
    settings: {
      strategy: "reflexivity", params: { lookback: 20, note: "<b>not bold</b>" }, from: dates[0]!, to: dates[days - 1]!,
      initialCash: won(initialCash), symbols: [SAMSUNG, HYNIX, ODD], dataSource: "synthetic (seeded walk)",
      assumptions: { fill: "next-open", slippageBps: 0, volumeCap: false, costs: "krx" }
    },
    equity, orders, fills, trades, annotations,
    warnings: ["005930 2024-02-01: zero volume <script>document.title='pwned'</script>", "000660: gap of 3 trading days"]
  }
  const dataSet: DataSet = {
    source: "synthetic",
    symbols: [
      { ticker: SAMSUNG, name: "삼성전자", instrument: ordinaryStock("KOSPI"), listedOn: undefined, sharesOutstanding: undefined },
      { ticker: HYNIX, name: "SK하이닉스", instrument: ordinaryStock("KOSPI"), listedOn: undefined, sharesOutstanding: undefined },
      { ticker: ODD, name: HOSTILE_NAME, instrument: ordinaryStock("KOSDAQ"), listedOn: undefined, sharesOutstanding: undefined }
    ],
    bars, statements: new Map(),
    warnings: [{ file: "005930.csv", row: 22, ticker: SAMSUNG, date: dates[21]!, kind: "zero-volume", message: "zero volume" }]
  }
  return { result, dataSet }
}
