// The Graham screen of one name and of a universe: criteria verdicts, whether the name passes in the chosen
// mode, its valuation (Graham number or net current asset value per share) and a score for ranking.
import type { Ticker } from "../../src/domain/Money.js"
import type { AsOfView } from "../../src/strategy/Strategy.js"
import {
  DEFENSIVE_CRITERIA,
  evaluateCriteria,
  grahamInputsFromView,
  grahamNumber,
  netCurrentAssetValue,
  type CriterionResult,
  type GrahamInputs
} from "./criteria.js"
import type { GrahamParams } from "./params.js"

export interface GrahamScreen {
  readonly ticker: Ticker
  readonly price: number | undefined
  readonly marketCap: number | undefined
  /** All eight criteria (the seven defensive ones, then net-net), whatever the mode. */
  readonly criteria: ReadonlyArray<CriterionResult>
  /** Counts over the criteria of the chosen mode. */
  readonly passed: number
  readonly failed: number
  readonly unknown: number
  readonly passes: boolean
  readonly grahamNumber: number | undefined
  readonly ncavPerShare: number | undefined
  /** Price above which a held name is sold as overvalued (per share); undefined when the valuation is unknown. */
  readonly exitPrice: number | undefined
  /** Higher is better: criteria passed plus the margin of safety (defensive), or NCAV / market cap (net-net). */
  readonly score: number
}

/** Screens one name from its inputs. */
export const screenInputs = (ticker: Ticker, inputs: GrahamInputs, params: GrahamParams): GrahamScreen => {
  const criteria = evaluateCriteria(inputs, params)
  const inMode = criteria.filter((c) => params.mode === "netnet" ? c.id === "netnet" : DEFENSIVE_CRITERIA.includes(c.id))
  const count = (status: CriterionResult["status"]) => inMode.filter((c) => c.status === status).length
  const passed = count("pass")
  const marketCap = inputs.price !== undefined && inputs.shares !== undefined ? inputs.price * inputs.shares : undefined
  const gn = grahamNumber(inputs, params)
  const ncav = netCurrentAssetValue(inputs, params)
  const ncavPerShare = ncav !== undefined && inputs.shares !== undefined && inputs.shares > 0 ? ncav / inputs.shares : undefined
  const defensive = params.mode === "defensive"
  const exitPrice = defensive
    ? (gn === undefined ? undefined : gn * params.grahamNumberExitMultiple)
    : (ncavPerShare === undefined || ncavPerShare <= 0 ? undefined : ncavPerShare * params.netnetExitPriceToNcav)
  const margin = gn !== undefined && inputs.price !== undefined ? Math.min(0.999, Math.max(0, 1 - inputs.price / gn)) : 0
  const score = defensive
    ? passed + margin
    : (ncav !== undefined && marketCap !== undefined && marketCap > 0 && ncav > 0 ? ncav / marketCap : 0)
  return {
    ticker,
    price: inputs.price,
    marketCap,
    criteria,
    passed,
    failed: count("fail"),
    unknown: count("unknown"),
    passes: defensive ? passed >= Math.min(params.minPassing, DEFENSIVE_CRITERIA.length) : passed === 1,
    grahamNumber: gn,
    ncavPerShare,
    exitPrice,
    score
  }
}

/** Screens one name as a strategy view sees it. */
export const screenName = (view: AsOfView, ticker: Ticker, params: GrahamParams): GrahamScreen =>
  screenInputs(ticker, grahamInputsFromView(view, ticker), params)

/** Screens every name of the view's universe, in universe order. */
export const screenUniverse = (view: AsOfView, params: GrahamParams): ReadonlyArray<GrahamScreen> =>
  view.universe.map((t) => screenName(view, t, params))

/** True when the price is known to be above the exit valuation. */
export const aboveValuation = (s: GrahamScreen): boolean =>
  s.price !== undefined && s.exitPrice !== undefined && s.price > s.exitPrice
