// The reflexivity strategy: detect each name's boom-bust stage, hold a thesis for it, enter early stages with
// asymmetric payoff and conviction, and exit on any invalidation or a late stage. Exports each name's stage.
import type { Ticker } from "../../src/domain/Money.js"
import type { TradeDate } from "../../src/domain/Time.js"
import type { AsOfView, Decision, DecisionResult, PortfolioView, Strategy, StrategyAnnotation } from "../../src/strategy/Strategy.js"
import { detectCycle, priceWindow, requiredBars, type CycleReading } from "./cycle.js"
import { ReflexivityParams } from "./params.js"
import { buildThesis, earningsGrowthAt, entryAllowed, peakSince, positionWeight, type Thesis } from "./thesis.js"

export interface Assessment {
  readonly ticker: Ticker
  readonly reading: CycleReading
  readonly thesis: Thesis | undefined
}

/** Stage and thesis of one name at the view's date; `holding` adds the entry-dependent triggers. */
export const assessName = (
  view: AsOfView,
  ticker: Ticker,
  holding: { readonly averagePrice: number; readonly openedOn: TradeDate } | undefined,
  params: ReflexivityParams
): Assessment => {
  const window = priceWindow(view.bars(ticker), params)
  const reading = detectCycle(window, earningsGrowthAt(view.statements(ticker), view.asOf), params)
  const facts = holding === undefined || window.close.length === 0
    ? undefined
    : { averagePrice: holding.averagePrice, peakSinceEntry: peakSince(window, holding.openedOn) }
  return { ticker, reading, thesis: buildThesis(reading, window, facts, params) }
}

/** Entries smaller than this fraction of equity are not worth their costs. */
const MIN_ENTRY_WEIGHT = 0.01

/** Fraction of equity in holdings not being sold and in pending buys, both valued at the as-of close. */
const exposureOf = (view: AsOfView, portfolio: PortfolioView, decisions: ReadonlyArray<Decision>): number => {
  if (portfolio.equity <= 0) return 1
  const selling = new Set(decisions.filter((d) => d._tag === "Sell").map((d) => d.ticker))
  let value = 0
  for (const h of portfolio.holdings) {
    if (selling.has(h.ticker)) continue
    const bars = view.bars(h.ticker)
    value += h.quantity * (bars.length > 0 ? bars.close(bars.length - 1) : h.averagePrice)
  }
  for (const o of portfolio.openOrders) {
    if (o.side !== "buy") continue
    const bars = view.bars(o.ticker)
    value += bars.length > 0 ? o.quantity * bars.close(bars.length - 1) : 0
  }
  return value / portfolio.equity
}

export const decideReflexivity = (view: AsOfView, portfolio: PortfolioView, params: ReflexivityParams): DecisionResult => {
  const holdings = portfolio.holdings.filter((h) => h.quantity > 0)
  const held = new Map(holdings.map((h) => [h.ticker, h]))
  const pendingBuys = new Set(portfolio.openOrders.filter((o) => o.side === "buy").map((o) => o.ticker))
  const names = [...new Set([...view.universe, ...held.keys()])]
  const decisions: Array<Decision> = []
  const annotations: Array<StrategyAnnotation> = []
  const candidates: Array<{ readonly ticker: Ticker; readonly weight: number; readonly thesis: Thesis }> = []
  let openSlots = params.maxPositions - holdings.length - [...pendingBuys].filter((t) => !held.has(t)).length
  for (const ticker of names) {
    if (view.bars(ticker).length === 0) continue
    const holding = held.get(ticker)
    const { reading, thesis } = assessName(view, ticker, holding, params)
    annotations.push({ ticker, series: "stage", value: reading.stage })
    if (thesis === undefined) continue
    if (holding !== undefined) {
      if (thesis.invalidations.length > 0) {
        openSlots++
        decisions.push({
          _tag: "Sell",
          ticker,
          type: { _tag: "market" },
          reason: `thesis invalidated: ${thesis.invalidations.map((i) => `${i.trigger} (${i.detail})`).join("; ")}`
        })
      }
    } else if (!pendingBuys.has(ticker) && entryAllowed(thesis, params)) {
      candidates.push({ ticker, weight: positionWeight(thesis.conviction, thesis.asymmetry, params), thesis })
    }
  }
  candidates.sort((a, b) => b.weight - a.weight || (a.ticker < b.ticker ? -1 : 1))
  let room = params.maxExposure - exposureOf(view, portfolio, decisions)
  for (const c of candidates.slice(0, Math.max(0, openSlots))) {
    const weight = Math.min(c.weight, room)
    if (weight < MIN_ENTRY_WEIGHT) break
    room -= weight
    const t = c.thesis
    decisions.push({
      _tag: "TargetWeight",
      ticker: c.ticker,
      weight,
      reason: `${t.stage}: asymmetry ${t.asymmetry.toFixed(1)} (up ${(t.upside * 100).toFixed(0)}% / down ${(t.downside * 100).toFixed(0)}%), conviction ${t.conviction.toFixed(2)}`
    })
  }
  return { decisions, annotations }
}

export const reflexivity: Strategy<ReflexivityParams> = {
  name: "reflexivity",
  description: "Boom-bust cycle detector (Soros): enters early stages with ≥3:1 asymmetry and conviction, exits on invalidation or late stages",
  params: ReflexivityParams,
  schedule: (p) => p.schedule,
  warmupBars: (p) => requiredBars(p),
  decide: decideReflexivity
}

export default reflexivity
