// The deterministic synthetic sample shipped in `data/`: obviously fake companies (codes SYN001…, names
// "Synthetic Steel 01") with KRX-valid daily bars and KIS-shaped statements, so a first run needs no credentials.
// Prices follow a factor model and lead the statements, so a value screen gets no edge beyond a small premium.
import type { Market } from "../../domain/Market.js"
import { ordinaryStock } from "../../domain/Market.js"
import type { Won } from "../../domain/Money.js"
import { type TradeDate, toKisDate } from "../../domain/Time.js"
import { KRX_CALENDAR } from "../../domain/krx/calendar.js"
import { priceBand } from "../../domain/krx/priceBand.js"
import { roundDownToTick, roundToTick, roundUpToTick } from "../../domain/krx/tick.js"
import type { KisChartRowWire, KisFinanceFileWire, KisUniverseRowWire } from "./kisWire.js"

export interface SampleOptions {
  readonly seed: number
  readonly symbols: number
  readonly from: TradeDate
  readonly to: TradeDate
  /** First fiscal year with statements (earlier than `from`, so 10-year records exist early in the replay). */
  readonly firstFiscalYear: number
}

export const DEFAULT_SAMPLE_OPTIONS: SampleOptions = {
  seed: 20_140_102,
  symbols: 60,
  from: "2014-01-02" as TradeDate,
  to: "2025-12-30" as TradeDate,
  firstFiscalYear: 2005
}

/** One file of the sample, path relative to `data/`; `gzip` marks files stored compressed. */
export interface SampleFile {
  readonly path: string
  readonly text: string
  readonly gzip: boolean
}

/** Synthetic codes: "SYN" + 3 digits. KRX short codes start with a digit, so these can never be real listings. */
export const sampleCode = (i: number): string => `SYN${String(i + 1).padStart(3, "0")}`

// ---- randomness: a small seeded PRNG (mulberry32) with normal draws ----

interface Rng {
  readonly uniform: () => number
  readonly normal: () => number
  readonly between: (lo: number, hi: number) => number
  readonly int: (lo: number, hi: number) => number
}

const makeRng = (seed: number): Rng => {
  let a = seed >>> 0
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const normal = (): number => {
    const u = 1 - uniform(), v = uniform()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
  return { uniform, normal, between: (lo, hi) => lo + (hi - lo) * uniform(), int: (lo, hi) => lo + Math.floor((hi - lo + 1) * uniform()) }
}

// ---- company profiles ----

/**
 * The archetype a company starts from. `defensive`: steady earnings, dividends, current ratio > 2 (passes a
 * Graham screen when cheap); `nearMiss`: like defensive but with one flaw (a loss year, a low current ratio or
 * no dividend one year); `netnet`: cash-rich, trades well below net current asset value; `growth`: fast but
 * fading growth, rich multiples; `cyclical`: earnings cycles with loss years and debt; `distressed`: thin or
 * negative margins, heavy debt, no dividends. Events (below) can move a company away from its archetype.
 */
type Archetype = "defensive" | "nearMiss" | "netnet" | "growth" | "cyclical" | "distressed"
const ARCHETYPE_CYCLE: ReadonlyArray<Archetype> = [
  "defensive", "growth", "cyclical", "nearMiss", "growth", "defensive", "cyclical", "netnet", "growth", "defensive",
  "distressed", "cyclical"
]
const SECTORS = ["Steel", "Chemicals", "Foods", "Semiconductors", "Shipbuilding", "Retail", "Telecom", "Biotech",
  "Construction", "Textiles", "Software", "Machinery", "Utilities", "Media", "Autoparts"] as const

const isQuality = (a: Archetype): boolean => a === "defensive" || a === "nearMiss"

interface Boom {
  /** Index (into the days) where the episode starts. */
  readonly start: number
  /** Peak extra log price. */
  readonly height: number
}

interface Profile {
  readonly code: string
  readonly name: string
  readonly market: Market
  readonly archetype: Archetype
  readonly shares: number
  readonly listedOn: TradeDate
  /** Statements start with this fiscal year. */
  readonly firstYear: number
  readonly beta: number
  /** Daily volatility of the stock's own moves in a calm market: lasting news plus noise that fades within days. */
  readonly idioVol: number
  /** Yearly volatility of lasting company news in a calm market (the part of `idioVol` that does not fade). */
  readonly newsVol: number
  /** Persistent drift of the company's value, per year, drawn the same way for every archetype. */
  readonly alpha: number
  /** Extra earnings growth per year in the first fiscal year (growth names), fading afterwards. */
  readonly extraGrowth: number
  /** Share of the float traded on an ordinary day. */
  readonly turnover: number
  readonly booms: ReadonlyArray<Boom>
}

interface Year {
  readonly year: number
  /** Flows and stocks in units of 0.01 억원 (10^6 won), the resolution KIS prints. */
  readonly revenue: number
  readonly operatingIncome: number
  readonly netIncome: number
  readonly currentAssets: number
  readonly fixedAssets: number
  readonly currentLiabilities: number
  readonly longTermLiabilities: number
  readonly equity: number
  readonly capital: number
  /** Cash dividend per share for the year, won (0 = none). */
  readonly dividendPerShare: number
  /** Seasonal share of each quarter in the year's flows. */
  readonly seasonal: readonly [number, number, number, number]
}

/** Value of one 0.01 억원 unit in won. */
const UNIT_WON = 1_000_000
const TRADING_DAYS_PER_YEAR = 252

const makeProfile = (
  i: number, rng: Rng, days: ReadonlyArray<TradeDate>, barStart: number, opts: SampleOptions
): Profile => {
  const archetype = ARCHETYPE_CYCLE[i % ARCHETYPE_CYCLE.length]!
  const market: Market = i % 5 < 3 ? "KOSPI" : "KOSDAQ"
  const lateListing = i % 9 === 4
  const listIndex = lateListing ? barStart + rng.int(250, 1500) : -1
  const listedOn = lateListing
    ? days[listIndex]!
    : KRX_CALENDAR.addTradingDays(`${rng.int(1990, 2012)}-${String(rng.int(1, 12)).padStart(2, "0")}-15` as TradeDate, 0)
  const boomy = archetype === "growth" || (archetype === "cyclical" && i % 2 === 0)
  const booms: Array<Boom> = []
  if (boomy) {
    const first = Math.max(listIndex + 60, barStart + rng.int(100, days.length - barStart - 900))
    booms.push({ start: first, height: rng.between(0.9, 1.5) })
    if (i % 3 === 0 && first + 1100 < days.length - 400) booms.push({ start: rng.int(first + 800, days.length - 400), height: rng.between(0.9, 1.5) })
  }
  const big = isQuality(archetype) || (archetype === "cyclical" && market === "KOSPI")
  return {
    code: sampleCode(i),
    name: `Synthetic ${SECTORS[i % SECTORS.length]} ${String(i + 1).padStart(2, "0")}`,
    market,
    archetype,
    shares: Math.round((big ? rng.between(15, 120) : rng.between(3, 40)) * 1e6 / 1000) * 1000,
    listedOn,
    firstYear: lateListing ? Number(listedOn.slice(0, 4)) - 3 : opts.firstFiscalYear,
    beta: rng.between(0.6, 1.4),
    idioVol: (archetype === "defensive" ? rng.between(0.009, 0.014) : rng.between(0.016, 0.028)) * (market === "KOSDAQ" ? 1.3 : 1),
    newsVol: (archetype === "defensive" ? rng.between(0.1, 0.15) : rng.between(0.22, 0.32)) * (market === "KOSDAQ" ? 1.2 : 1),
    alpha: 0.03 * rng.normal(),
    extraGrowth: archetype === "growth" ? rng.between(0.08, 0.15) : 0,
    turnover: rng.between(0.001, 0.006) * (market === "KOSDAQ" ? 2 : 1),
    booms
  }
}

// ---- the common market factor ----

interface MarketFactor {
  readonly ret: Float64Array
  readonly vol: Float64Array
}

/** Expected daily market log return; what the market does beyond it is a surprise. */
const MARKET_DRIFT = 0.0003
/** Share of a market surprise that is news about earnings; the rest changes what the market pays for them. */
const MARKET_EARNINGS_SHARE = 0.6

/** Daily market returns with persistent volatility regimes and scripted sell-offs (2008 Q4, 2018 Q4, 2020 Q1). */
const makeMarket = (days: ReadonlyArray<TradeDate>, rng: Rng): MarketFactor => {
  const ret = new Float64Array(days.length), vol = new Float64Array(days.length)
  const regimeVol = [0.006, 0.01, 0.022]
  let regime = 1
  for (let t = 0; t < days.length; t++) {
    const u = rng.uniform()
    if (u < 0.01) regime = Math.min(2, regime + 1)
    else if (u < 0.02) regime = Math.max(0, regime - 1)
    const d = days[t]!
    let drift = MARKET_DRIFT
    let v = regimeVol[regime]!
    if (d >= "2008-10-01" && d <= "2008-10-31") { drift = -0.01; v = 0.035 }
    if (d >= "2018-10-01" && d <= "2018-10-31") { drift = -0.006; v = 0.018 }
    if (d >= "2020-02-20" && d <= "2020-03-19") { drift = -0.012; v = 0.035 }
    if (d >= "2020-03-20" && d <= "2020-06-30") { drift = 0.004; v = 0.02 }
    vol[t] = v
    ret[t] = drift + v * rng.normal()
  }
  return { ret, vol }
}

// ---- boom-bust episodes ----

/** Extra log-price target of a boom-bust episode `k` days after its start: slow rise, blow-off, crash, recovery. */
const BOOM_DAYS = 220, CRASH_DAYS = 70, SETTLE_DAYS = 150
const boomPremium = (k: number, height: number): number => {
  if (k < 0) return 0
  if (k < BOOM_DAYS) return height * (k / BOOM_DAYS) ** 2
  if (k < BOOM_DAYS + CRASH_DAYS) return height - (height + 0.35) * ((k - BOOM_DAYS) / CRASH_DAYS)
  if (k < BOOM_DAYS + CRASH_DAYS + SETTLE_DAYS) return -0.35 * (1 - (k - BOOM_DAYS - CRASH_DAYS) / SETTLE_DAYS)
  return 0
}

/** Where day `t` stands in the company's boom-bust episodes: the extra log price, and 1 rising, -1 crashing, 0 neither. */
const boomAt = (p: Profile, t: number): { readonly premium: number; readonly phase: number; readonly day: number } => {
  let premium = 0, phase = 0, day = 0
  for (const b of p.booms) {
    const x = boomPremium(t - b.start, b.height)
    if (x !== 0) {
      premium += x
      day = t - b.start
      phase = day < BOOM_DAYS ? 1 : day < BOOM_DAYS + CRASH_DAYS ? -1 : 0
    }
  }
  return { premium, phase, day }
}

/** Daily volatility of the stock's own moves on day `t`: scaled by the market's regime, higher inside a boom or crash. */
const dailyVol = (p: Profile, market: MarketFactor, t: number): number =>
  p.idioVol * (market.vol[t]! / 0.01) ** 0.5 * (boomAt(p, t).phase !== 0 ? 1.8 : 1)

/** Daily volatility of lasting company news on day `t`, scaled by the market's regime like `dailyVol`. */
const dailyNewsVol = (p: Profile, market: MarketFactor, t: number): number =>
  Math.min(p.newsVol / Math.sqrt(TRADING_DAYS_PER_YEAR) * (market.vol[t]! / 0.01) ** 0.5, dailyVol(p, market, t))

// ---- the business and how the market prices it ----

/**
 * News that moves a company's value on the day it happens; its statements show it only over the following
 * years. `deterioration`: a business loses earnings power and balance-sheet strength, and a quality one its
 * steady margins and dividends; `stall`: a growth
 * business stops outgrowing the market; `turnaround`: a weak business recovers; `bust`: a write-off and
 * years of losses. Each fires at most once, at `perYear` odds per year.
 */
type EventKind = "deterioration" | "stall" | "turnaround" | "bust"
interface EventRule {
  readonly kind: EventKind
  readonly perYear: number
  /** Range of the one-day change in log value. */
  readonly jump: readonly [number, number]
  /** Range of the years the reported earnings take to reflect the change. */
  readonly catchUpYears: readonly [number, number]
}
const EVENT_RULES: Record<Archetype, ReadonlyArray<EventRule>> = {
  defensive: [{ kind: "deterioration", perYear: 0.05, jump: [-0.6, -0.25], catchUpYears: [1.5, 3] }],
  nearMiss: [{ kind: "deterioration", perYear: 0.05, jump: [-0.6, -0.25], catchUpYears: [1.5, 3] }],
  growth: [{ kind: "stall", perYear: 0.06, jump: [-0.6, -0.3], catchUpYears: [1, 2] }],
  cyclical: [
    { kind: "deterioration", perYear: 0.04, jump: [-0.7, -0.3], catchUpYears: [1, 2.5] },
    { kind: "turnaround", perYear: 0.04, jump: [0.3, 0.7], catchUpYears: [1, 2.5] }
  ],
  netnet: [
    { kind: "bust", perYear: 0.03, jump: [-1.8, -1], catchUpYears: [0.5, 1] },
    { kind: "turnaround", perYear: 0.04, jump: [0.3, 0.8], catchUpYears: [1, 2] }
  ],
  distressed: [
    { kind: "bust", perYear: 0.06, jump: [-2, -1.2], catchUpYears: [0.5, 1] },
    { kind: "turnaround", perYear: 0.05, jump: [0.4, 1], catchUpYears: [1, 2.5] }
  ]
}

interface BusinessEvent {
  readonly kind: EventKind
  /** Fiscal year the event happens in. */
  readonly year: number
}

/**
 * Valuation: the log gap between price and value follows a slow mean-reverting process, so a cheap stock earns
 * a small premium on average (about 0.07 × gap per year) that its news easily swamps.
 */
const VALUATION_REVERSION_PER_YEAR = 0.07
const VALUATION_VOL_PER_YEAR = 0.08
/** Share of a day's noise left the next day: noise that is not news fades with a half-life of about a week. */
const NOISE_PERSISTENCE = 0.9
const GROWTH_FADE_YEARS = 10

interface BusinessPath {
  /** Log fair price before the level is set: the company's value and the market's mood. */
  readonly logFair: Float64Array
  /** Log price on the same scale: the fair price, the company's valuation gap and fading noise. */
  readonly logPrice: Float64Array
  /** Log earnings power: the value, plus extra growth the price already expects, lagging news by its catch-up. */
  readonly logEarnings: Float64Array
  readonly events: ReadonlyArray<BusinessEvent>
}

/**
 * One company's value day by day from `from` (its first fiscal year): the market factor times beta (part of it
 * earnings news, part a change of mood that moves only the price), company news, events, and a drift that makes
 * the expected simple return the same for every archetype (it offsets the drag of the company's volatility, and
 * an event's expected jump until the event fires). Prices move with news at once; the statements follow later,
 * so trailing ratios carry no information the price has not already used.
 */
const makeBusinessPath = (p: Profile, rng: Rng, days: ReadonlyArray<TradeDate>, from: number, market: MarketFactor): BusinessPath => {
  const logFair = new Float64Array(days.length), logPrice = new Float64Array(days.length), logEarnings = new Float64Array(days.length)
  const rules = EVENT_RULES[p.archetype]
  const fired = rules.map(() => false)
  const catchUps: Array<{ readonly start: number; readonly jump: number; readonly length: number }> = []
  const events: Array<BusinessEvent> = []
  const valuationSd = VALUATION_VOL_PER_YEAR / Math.sqrt(2 * VALUATION_REVERSION_PER_YEAR)
  let value = 0, mood = 0, gap = valuationSd * rng.normal(), noise = 0, growth = 0, stalled = false
  for (let t = from; t < days.length; t++) {
    const year = Number(days[t]!.slice(0, 4))
    let drift = p.alpha
    rules.forEach((rule, k) => {
      if (fired[k]) return
      const [lo, hi] = rule.jump
      drift -= rule.perYear * ((Math.exp(hi) - Math.exp(lo)) / (hi - lo) - 1) // the jump's expected simple return
      if (rng.uniform() >= rule.perYear / TRADING_DAYS_PER_YEAR) return
      fired[k] = true
      const jump = rng.between(rule.jump[0], rule.jump[1])
      value += jump
      catchUps.push({ start: t, jump, length: rng.between(rule.catchUpYears[0], rule.catchUpYears[1]) * TRADING_DAYS_PER_YEAR })
      events.push({ kind: rule.kind, year })
      if (rule.kind === "stall") stalled = true
    })
    const total = dailyVol(p, market, t), news = dailyNewsVol(p, market, t)
    const surprise = market.ret[t]! - MARKET_DRIFT
    value += p.beta * (MARKET_DRIFT + MARKET_EARNINGS_SHARE * surprise) + drift / TRADING_DAYS_PER_YEAR - news * news / 2 + news * rng.normal()
    mood += p.beta * (1 - MARKET_EARNINGS_SHARE) * surprise
    noise = NOISE_PERSISTENCE * noise + Math.sqrt(total * total - news * news) * rng.normal()
    gap += -VALUATION_REVERSION_PER_YEAR / TRADING_DAYS_PER_YEAR * gap + VALUATION_VOL_PER_YEAR / Math.sqrt(TRADING_DAYS_PER_YEAR) * rng.normal()
    if (!stalled) growth += p.extraGrowth * Math.exp(-(year - p.firstYear) / GROWTH_FADE_YEARS) / TRADING_DAYS_PER_YEAR
    let pending = 0
    for (const c of catchUps) pending += c.jump * Math.max(0, 1 - (t - c.start) / c.length)
    logFair[t] = value + mood
    logPrice[t] = value + mood + gap + noise
    logEarnings[t] = value + growth - pending
  }
  return { logFair, logPrice, logEarnings, events }
}

/** Book value a business keeps at most per won of revenue; beyond it, assets are written down. */
const MAX_EQUITY_TO_REVENUE = 3

/** Net margin in an ordinary year. */
const NORMAL_MARGIN: Record<Archetype, number> = { defensive: 0.09, nearMiss: 0.08, netnet: 0.03, growth: 0.12, cyclical: 0.06, distressed: 0 }

/** Annual statements (fiscal years ending in December): earnings follow the business path, stocks accumulate. */
const makeYears = (p: Profile, rng: Rng, path: BusinessPath, days: ReadonlyArray<TradeDate>, lastYear: number): Array<Year> => {
  const a = p.archetype
  const margin = NORMAL_MARGIN[a]
  const currentRatio = { defensive: 2.6, nearMiss: 2.4, netnet: 6, growth: 1.6, cyclical: 1.2, distressed: 0.8 }[a]
  const debtToEquity = { defensive: 0.35, nearMiss: 0.4, netnet: 0.12, growth: 0.8, cyclical: 1.3, distressed: 2.5 }[a]
  const payout = { defensive: 0.35, nearMiss: 0.3, netnet: 0.2, growth: 0.08, cyclical: 0.25, distressed: 0 }[a]
  const eventYear = (kind: EventKind) => path.events.find((e) => e.kind === kind)?.year ?? Infinity
  const deterioratedFrom = eventYear("deterioration"), turnaroundFrom = eventYear("turnaround"), bustYear = eventYear("bust")
  const flawYear = a === "nearMiss" ? rng.int(lastYear - 8, lastYear - 1) : -1
  const flaw = rng.int(0, 2) // 0: a loss year, 1: current ratio below 2, 2: a year without dividend
  const averageLogEarnings = new Map<number, { sum: number; n: number }>()
  days.forEach((d, t) => {
    const year = Number(d.slice(0, 4))
    if (year < p.firstYear) return
    const acc = averageLogEarnings.get(year) ?? { sum: 0, n: 0 }
    acc.sum += path.logEarnings[t]!
    acc.n++
    averageLogEarnings.set(year, acc)
  })
  const logEarningsIn = (year: number) => { const acc = averageLogEarnings.get(year)!; return acc.sum / acc.n }
  const firstRevenue = (p.shares * rng.between(8_000, 40_000)) / UNIT_WON // revenue per share 8k..40k won
  let equity = firstRevenue * rng.between(0.5, 1.2)
  const capital = Math.round((p.shares * 500) / UNIT_WON)
  let lastDps = 0, lastRevenue = firstRevenue
  const years: Array<Year> = []
  for (let year = p.firstYear; year <= lastYear; year++) {
    const steady = isQuality(a) && year < deterioratedFrom
    const revenue = firstRevenue * Math.exp(logEarningsIn(year) - logEarningsIn(p.firstYear) + 0.02 * rng.normal())
    // a net-net's book is mostly holdings (deposits, securities, property) revalued with its business
    if (a === "netnet") equity *= revenue / lastRevenue
    lastRevenue = revenue
    const cycle = a === "cyclical" ? Math.sin((year - p.firstYear) * 1.3 + rng.between(-0.3, 0.3)) * 0.09 : 0
    let m = margin + cycle + (steady ? rng.normal() * 0.006 : rng.normal() * 0.025) +
      (year >= turnaroundFrom ? 0.04 : 0) + (year === bustYear || year === bustYear + 1 ? -0.08 : 0)
    if (steady) m = Math.max(m, 0.03)
    if (year === flawYear && flaw === 0) m = -0.04
    // a bust writes off much of the book; a business that shrank writes its assets down to what it can earn on
    const shrinkage = Math.max(0, equity - MAX_EQUITY_TO_REVENUE * revenue)
    const writeOff = year === bustYear ? Math.max(equity * rng.between(0.4, 0.7), shrinkage) : shrinkage
    const netIncome = Math.round(revenue * m - writeOff)
    const operatingIncome = Math.round(revenue * m * 1.3 + revenue * 0.01)
    const eps = (netIncome * UNIT_WON) / p.shares
    let dps = payout > 0 && eps > 0 ? Math.floor((eps * payout) / 10) * 10 : 0
    if (steady && dps < lastDps * 0.9) dps = Math.floor((lastDps * 0.9) / 10) * 10
    if (steady && dps === 0) dps = 50
    if (year === flawYear && flaw === 2) dps = 0
    lastDps = dps
    equity = equity + netIncome - (dps * p.shares) / UNIT_WON
    if (equity <= revenue * 0.05) equity = revenue * 0.05 // recapitalised rather than negative
    const weakened = (year >= deterioratedFrom ? 0.7 : 1) * (year >= bustYear ? 0.5 : 1)
    const liabilities = equity * debtToEquity * (year >= bustYear ? 1.8 : 1) * (year >= deterioratedFrom ? 1.4 : 1) * rng.between(0.9, 1.1)
    const cr = year === flawYear && flaw === 1 ? 1.6 : currentRatio * weakened * rng.between(0.92, 1.08)
    const currentLiabilities = liabilities * (a === "netnet" ? 0.85 : 0.55)
    const total = equity + liabilities
    const currentAssets = Math.min(currentLiabilities * cr, total * 0.92)
    const s = [0.23 + rng.normal() * 0.01, 0.25 + rng.normal() * 0.01, 0.24 + rng.normal() * 0.01, 0]
    s[3] = 1 - s[0]! - s[1]! - s[2]!
    years.push({
      year,
      revenue: Math.round(revenue),
      operatingIncome,
      netIncome,
      currentAssets: Math.round(currentAssets),
      fixedAssets: Math.round(total - currentAssets),
      currentLiabilities: Math.round(currentLiabilities),
      longTermLiabilities: Math.round(liabilities - currentLiabilities),
      equity: Math.round(equity),
      capital,
      dividendPerShare: dps,
      seasonal: s as unknown as readonly [number, number, number, number]
    })
  }
  return years
}

/**
 * Value per share a year's statements suggest, won, which sets the first price: the archetype's multiple of
 * normal earnings (revenue at the archetype's margin), net-nets at a discount to net current assets, distressed
 * names at half of book.
 */
const startingValue = (p: Profile, y: Year, multiple: number): number => {
  const normalEps = (y.revenue * NORMAL_MARGIN[p.archetype] * UNIT_WON) / p.shares
  const bvps = (y.equity * UNIT_WON) / p.shares
  const ncavps = ((y.currentAssets - y.currentLiabilities - y.longTermLiabilities) * UNIT_WON) / p.shares
  switch (p.archetype) {
    case "netnet":
      return Math.max(0.45 * ncavps, 0.2 * bvps)
    case "distressed":
      return Math.max(0.5 * bvps, 300)
    default:
      return Math.max(multiple * normalEps, 0.3 * bvps)
  }
}

// ---- bars ----

/** Lowest log price the value can push a stock to (100 won): a busted name keeps trading as a penny stock. */
const FLOOR_LOG_PRICE = Math.log(100)

/**
 * Daily bars from `start`: each close moves to the business path (shifted by `logLevel`) plus any boom-bust
 * premium, as far as the ±30 % band allows; a gap the band leaves is closed on the following days.
 */
const makeBars = (
  p: Profile, rng: Rng, days: ReadonlyArray<TradeDate>, start: number, market: MarketFactor, path: BusinessPath, logLevel: number
): Array<KisChartRowWire> => {
  const instrument = ordinaryStock(p.market)
  const rows: Array<KisChartRowWire> = []
  let prevClose = 0
  let lockGap = 0 // log distance a limit-locked day left between price and value, fading
  for (let t = start; t < days.length; t++) {
    const date = days[t]!
    const boom = boomAt(p, t)
    const target = Math.max(logLevel + path.logPrice[t]! + boom.premium, FLOOR_LOG_PRICE) + lockGap
    const vol = dailyVol(p, market, t)
    if (t === start) prevClose = roundToTick(Math.exp(target), instrument, date)
    let r = t === start ? 0 : target - Math.log(prevClose)
    if (boom.phase === -1 && rng.uniform() < 0.03) { lockGap += -0.4 - r; r = -0.4 } // capitulation: locked limit-down
    if (boom.phase === 1 && rng.uniform() < 0.015) { lockGap += 0.4 - r; r = 0.4 } // euphoria: locked limit-up
    lockGap *= 0.95
    const band = priceBand(prevClose as Won, instrument, date)
    const clamp = (x: number) => Math.min(band.upper, Math.max(band.lower, x))
    const close = t === start ? prevClose : clamp(roundToTick(prevClose * Math.exp(r), instrument, date))
    const open = t === start ? close : clamp(roundToTick(prevClose * Math.exp(0.35 * r + 0.3 * vol * rng.normal()), instrument, date))
    const high = clamp(roundUpToTick(Math.max(open, close) * Math.exp(Math.abs(rng.normal()) * vol * 0.6), instrument, date))
    const low = clamp(roundDownToTick(Math.min(open, close) * Math.exp(-Math.abs(rng.normal()) * vol * 0.6), instrument, date))
    const surprise = Math.abs(r - p.beta * market.ret[t]!) / p.idioVol
    let volumeFactor = Math.exp(0.35 * rng.normal()) * (1 + 0.5 * surprise)
    if (boom.phase === 1) volumeFactor *= 1 + 2 * (boom.day / BOOM_DAYS)
    if (rng.uniform() < 0.004 || (boom.phase === -1 && rng.uniform() < 0.05)) volumeFactor *= rng.between(4, 10) // climax
    const volume = Math.max(1, Math.round(p.shares * p.turnover * volumeFactor))
    rows.push({
      stck_bsop_date: toKisDate(date),
      stck_oprc: String(open),
      stck_hgpr: String(high),
      stck_lwpr: String(low),
      stck_clpr: String(close),
      acml_vol: String(volume),
      acml_tr_pbmn: String(Math.round((volume * (open + high + low + close)) / 4))
    })
    prevClose = close
  }
  return rows
}

// ---- KIS-shaped files ----

const eok = (units: number): string => (units / 100).toFixed(2)

const financeFile = (p: Profile, years: ReadonlyArray<Year>): KisFinanceFileWire => {
  const newestFirst = [...years].reverse()
  // a holding-company style name reports no revenue line: KIS prints the missing item as 99.99
  const noRevenue = p.archetype === "distressed" && p.code.endsWith("1")
  const sheet = (y: Year, stacYymm: string, f: number, prev: Year | undefined) => {
    const mix = (a: number, b: number | undefined) => Math.round(b === undefined ? a : b + (a - b) * f)
    const ca = mix(y.currentAssets, prev?.currentAssets), fa = mix(y.fixedAssets, prev?.fixedAssets)
    const cl = mix(y.currentLiabilities, prev?.currentLiabilities), ll = mix(y.longTermLiabilities, prev?.longTermLiabilities)
    return {
      stac_yymm: stacYymm, cras: eok(ca), fxas: eok(fa), total_aset: eok(ca + fa), flow_lblt: eok(cl), fix_lblt: eok(ll),
      total_lblt: eok(cl + ll), cpfn: eok(y.capital), cfp_surp: "99.99", prfi_surp: "99.99", total_cptl: eok(ca + fa - cl - ll)
    }
  }
  const income = (y: Year, stacYymm: string, share: number) => ({
    stac_yymm: stacYymm,
    sale_account: noRevenue ? "99.99" : eok(Math.round(y.revenue * share)),
    bsop_prti: eok(Math.round(y.operatingIncome * share)),
    depr_cost: "99.99",
    thtr_ntin: eok(Math.round(y.netIncome * share))
  })
  const byYear = new Map(years.map((y) => [y.year, y]))
  const quarters = newestFirst.flatMap((y) => [4, 3, 2, 1].map((q) => {
    const ytdShare = y.seasonal.slice(0, q).reduce((a, b) => a + b, 0)
    const stac = `${y.year}${String(q * 3).padStart(2, "0")}`
    return { sheet: sheet(y, stac, q / 4, byYear.get(y.year - 1)), income: income(y, stac, q === 4 ? 1 : ytdShare) }
  }))
  return {
    balance_sheet: {
      annual: newestFirst.map((y) => sheet(y, `${y.year}12`, 1, undefined)),
      quarterly: quarters.map((q) => q.sheet)
    },
    income_statement: {
      annual: newestFirst.map((y) => income(y, `${y.year}12`, 1)),
      quarterly: quarters.map((q) => q.income)
    },
    dividend: newestFirst.filter((y) => y.dividendPerShare > 0).map((y) => ({
      record_date: `${y.year}1231`,
      sht_cd: p.code,
      divi_kind: "결산",
      per_sto_divi_amt: String(y.dividendPerShare),
      stk_kind: "보통"
    }))
  }
}

/** One JSON value per line inside the array, so a row of the file is a line of the text. */
const jsonLines = (key: string, rows: ReadonlyArray<unknown>): string =>
  `{"${key}":[\n${rows.map((r) => JSON.stringify(r)).join(",\n")}\n]}\n`

/**
 * Generates the whole sample in memory: pure, the same text for the same options. The business paths start with
 * the first fiscal year, before the bars do, so the early statements come from the same model as the prices.
 */
export const generateSample = (opts: SampleOptions = DEFAULT_SAMPLE_OPTIONS): Array<SampleFile> => {
  const days = KRX_CALENDAR.tradingDaysBetween(`${opts.firstFiscalYear}-01-01` as TradeDate, opts.to)
  const barStart = days.findIndex((d) => d >= opts.from)
  const market = makeMarket(days, makeRng(opts.seed))
  const lastYear = Number(opts.to.slice(0, 4))
  const files: Array<SampleFile> = []
  const universe: Array<KisUniverseRowWire> = []
  for (let i = 0; i < opts.symbols; i++) {
    const rng = makeRng((opts.seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0)
    const p = makeProfile(i, rng, days, barStart, opts)
    const path = makeBusinessPath(p, rng, days, days.findIndex((d) => d >= `${p.firstYear}-01-01`), market)
    const years = makeYears(p, rng, path, days, lastYear)
    const multiple = p.archetype === "growth" ? rng.between(18, 30) : p.archetype === "cyclical" ? rng.between(8, 14) : rng.between(7, 11)
    // the fair price on the first day values the last annual statement public then (the one of year-2 until
    // April, then year-1); the price starts off it by the valuation gap and noise of that day
    const start = Math.max(barStart, days.findIndex((d) => d >= p.listedOn))
    const first = days[start]!
    const known = Number(first.slice(0, 4)) - (first.slice(5) < "04-01" ? 2 : 1)
    const value = Math.max(startingValue(p, years.find((y) => y.year === known) ?? years[0]!, multiple), 200)
    const bars = makeBars(p, rng, days, start, market, path, Math.log(value) - path.logFair[start]!)
    files.push({ path: `daily/${p.code}.json.gz`, text: jsonLines("output2", [...bars].reverse()), gzip: true })
    files.push({ path: `finance/${p.code}.json`, text: `${JSON.stringify(financeFile(p, years))}\n`, gzip: false })
    universe.push({
      pdno: p.code,
      prdt_abrv_name: p.name,
      mket_id_cd: p.market === "KOSPI" ? "STK" : "KSQ",
      setl_mmdd: "12",
      lstg_stqt: String(p.shares),
      ...(p.market === "KOSPI" ? { scts_mket_lstg_dt: toKisDate(p.listedOn) } : { kosdaq_mket_lstg_dt: toKisDate(p.listedOn) })
    })
  }
  files.push({ path: "universe.json", text: `[\n${universe.map((u) => JSON.stringify(u)).join(",\n")}\n]\n`, gzip: false })
  return files
}
