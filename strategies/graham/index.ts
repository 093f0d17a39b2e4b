// The Graham strategy: screen the universe (defensive criteria or net-nets), rank by score, hold the best
// names at equal or score weights, and sell a holding that fails the screen or trades above its valuation.
import type { Ticker } from "../../src/domain/Money.js"
import type { Decision, DecisionResult, Strategy } from "../../src/strategy/Strategy.js"
import { DEFENSIVE_CRITERIA } from "./criteria.js"
import { GrahamParams } from "./params.js"
import { aboveValuation, screenUniverse, type GrahamScreen } from "./screen.js"

/**
 * Target weights of the selected names (same order). `equal`: the invested fraction split evenly; `score`: in
 * proportion to the scores. Each weight is capped at `maxWeight`; what a cap removes stays in cash.
 */
export const portfolioWeights = (scores: ReadonlyArray<number>, params: GrahamParams): ReadonlyArray<number> => {
  if (scores.length === 0) return []
  const total = scores.reduce((a, s) => a + Math.max(0, s), 0)
  return scores.map((s) => {
    const raw = params.weighting === "equal" || total <= 0
      ? params.investedFraction / scores.length
      : params.investedFraction * (Math.max(0, s) / total)
    return Math.min(params.maxWeight, raw)
  })
}

/** Why a held name leaves the portfolio, or undefined when it stays. */
const exitReason = (s: GrahamScreen | undefined, selected: ReadonlySet<Ticker>, params: GrahamParams): string | undefined => {
  if (s === undefined) return "not in the universe"
  if (!s.passes) {
    return params.mode === "netnet"
      ? `fails net-net (${s.criteria.find((c) => c.id === "netnet")?.detail ?? "?"})`
      : `fails screen (${s.passed} of ${DEFENSIVE_CRITERIA.length} passed, ${Math.min(params.minPassing, DEFENSIVE_CRITERIA.length)} needed)`
  }
  if (aboveValuation(s)) return `above valuation (${Math.round(s.price!)} > ${Math.round(s.exitPrice!)})`
  if (!selected.has(s.ticker)) return `ranked below the top ${params.maxNames}`
  return undefined
}

export const decideGraham = (
  screens: ReadonlyArray<GrahamScreen>,
  held: ReadonlyArray<Ticker>,
  params: GrahamParams
): DecisionResult => {
  const ranked = screens
    .filter((s) => s.passes && !aboveValuation(s) && s.price !== undefined)
    .sort((a, b) => b.score - a.score || (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0))
    .slice(0, params.maxNames)
  const selected = new Set(ranked.map((s) => s.ticker))
  const byTicker = new Map(screens.map((s) => [s.ticker, s]))
  const decisions: Array<Decision> = []
  for (const t of held) {
    const reason = exitReason(byTicker.get(t), selected, params)
    if (reason !== undefined) decisions.push({ _tag: "Sell", ticker: t, type: { _tag: "market" }, reason })
  }
  const weights = portfolioWeights(ranked.map((s) => s.score), params)
  ranked.forEach((s, i) => {
    decisions.push({ _tag: "TargetWeight", ticker: s.ticker, weight: weights[i]!, reason: `graham ${params.mode}: score ${s.score.toFixed(2)}` })
  })
  return {
    decisions,
    annotations: screens
      .filter((s) => selected.has(s.ticker) || held.includes(s.ticker))
      .map((s) => ({ ticker: s.ticker, series: "grahamScore", value: Number(s.score.toFixed(3)) }))
  }
}

export const graham: Strategy<GrahamParams> = {
  name: "graham",
  description: "Benjamin Graham's defensive-investor screen (or NCAV net-nets) with Graham-number exits, rebalanced on a schedule",
  params: GrahamParams,
  schedule: (p) => p.rebalance,
  // One bar suffices: the screen reads the latest close and point-in-time statements, not price history.
  warmupBars: () => 1,
  decide: (view, portfolio, params) =>
    decideGraham(screenUniverse(view, params), portfolio.holdings.filter((h) => h.quantity > 0).map((h) => h.ticker), params)
}

export default graham
