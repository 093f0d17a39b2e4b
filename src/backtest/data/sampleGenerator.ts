// The deterministic synthetic sample shipped in `data/`: obviously fake companies (codes SYN001…, names
// "Synthetic Steel 01") with KRX-valid daily bars and KIS-shaped statements, so a first run needs no credentials.
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
 * `defensive`: steady growing earnings, dividends, current ratio > 2 (passes a Graham screen when cheap);
 * `nearMiss`: like defensive but with one flaw (a loss year, a low current ratio or no dividend one year);
 * `netnet`: cash-rich, trades well below net current asset value; `growth`: fast growth, rich multiples;
 * `cyclical`: earnings cycles with loss years and debt; `distressed`: losses, heavy debt, no dividends.
 */
type Archetype = "defensive" | "nearMiss" | "netnet" | "growth" | "cyclical" | "distressed"
const ARCHETYPE_CYCLE: ReadonlyArray<Archetype> = [
  "defensive", "growth", "cyclical", "nearMiss", "growth", "defensive", "cyclical", "netnet", "growth", "defensive",
  "distressed", "cyclical"
]
const SECTORS = ["Steel", "Chemicals", "Foods", "Semiconductors", "Shipbuilding", "Retail", "Telecom", "Biotech",
  "Construction", "Textiles", "Software", "Machinery", "Utilities", "Media", "Autoparts"] as const

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
  readonly idioVol: number
  /** Share of the float traded on an ordinary day. */
  readonly turnover: number
  /** Start indexes (into the trading days) of boom-bust episodes. */
  readonly booms: ReadonlyArray<number>
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

const makeProfile = (i: number, rng: Rng, days: ReadonlyArray<TradeDate>, opts: SampleOptions): Profile => {
  const archetype = ARCHETYPE_CYCLE[i % ARCHETYPE_CYCLE.length]!
  const market: Market = i % 5 < 3 ? "KOSPI" : "KOSDAQ"
  const lateListing = i % 9 === 4
  const listIndex = lateListing ? rng.int(250, 1500) : -1
  const listedOn = lateListing
    ? days[listIndex]!
    : KRX_CALENDAR.addTradingDays(`${rng.int(1990, 2012)}-${String(rng.int(1, 12)).padStart(2, "0")}-15` as TradeDate, 0)
  const boomy = archetype === "growth" || (archetype === "cyclical" && i % 2 === 0)
  const booms: Array<number> = []
  if (boomy) {
    const first = Math.max(listIndex + 60, rng.int(100, days.length - 900))
    booms.push(first)
    if (i % 3 === 0 && first + 1100 < days.length - 400) booms.push(rng.int(first + 800, days.length - 400))
  }
  const big = archetype === "defensive" || archetype === "nearMiss" || (archetype === "cyclical" && market === "KOSPI")
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
    turnover: rng.between(0.001, 0.006) * (market === "KOSDAQ" ? 2 : 1),
    booms
  }
}

/** Annual statements (fiscal years ending in December), consistent within themselves year to year. */
const makeYears = (p: Profile, rng: Rng, lastYear: number): Array<Year> => {
  const a = p.archetype
  const growth = a === "growth" ? rng.between(0.07, 0.13) : a === "distressed" ? rng.between(-0.05, 0.02) : rng.between(0.03, 0.07)
  const margin = { defensive: 0.09, nearMiss: 0.08, netnet: 0.03, growth: 0.12, cyclical: 0.06, distressed: -0.02 }[a]
  const currentRatio = { defensive: 2.6, nearMiss: 2.4, netnet: 6, growth: 1.6, cyclical: 1.2, distressed: 0.8 }[a]
  const debtToEquity = { defensive: 0.35, nearMiss: 0.4, netnet: 0.12, growth: 0.8, cyclical: 1.3, distressed: 2.5 }[a]
  const payout = { defensive: 0.35, nearMiss: 0.3, netnet: 0.2, growth: 0.08, cyclical: 0.25, distressed: 0 }[a]
  const flawYear = a === "nearMiss" ? rng.int(lastYear - 8, lastYear - 1) : -1
  const flaw = rng.int(0, 2) // 0: a loss year, 1: current ratio below 2, 2: a year without dividend
  let revenue = (p.shares * rng.between(8_000, 40_000)) / UNIT_WON // revenue per share 8k..40k won
  let equity = revenue * rng.between(0.5, 1.2)
  const capital = Math.round((p.shares * 500) / UNIT_WON)
  let lastDps = 0
  const years: Array<Year> = []
  for (let year = p.firstYear; year <= lastYear; year++) {
    const cycle = a === "cyclical" ? Math.sin((year - p.firstYear) * 1.3 + rng.between(-0.3, 0.3)) * 0.09 : 0
    const noise = a === "defensive" || a === "nearMiss" ? rng.normal() * 0.01 : rng.normal() * 0.03
    revenue *= 1 + growth + noise + cycle / 3
    let m = margin + cycle + (a === "defensive" || a === "nearMiss" ? rng.normal() * 0.006 : rng.normal() * 0.025)
    if (a === "defensive" || a === "nearMiss") m = Math.max(m, 0.03)
    if (year === flawYear && flaw === 0) m = -0.04
    const netIncome = Math.round(revenue * m)
    const operatingIncome = Math.round(netIncome * 1.3 + revenue * 0.01)
    const eps = (netIncome * UNIT_WON) / p.shares
    let dps = payout > 0 && eps > 0 ? Math.floor((eps * payout) / 10) * 10 : 0
    if ((a === "defensive" || a === "nearMiss") && dps < lastDps * 0.9) dps = Math.floor((lastDps * 0.9) / 10) * 10
    if ((a === "defensive" || a === "nearMiss") && dps === 0) dps = 50
    if (year === flawYear && flaw === 2) dps = 0
    lastDps = dps
    equity = equity + netIncome - (dps * p.shares) / UNIT_WON
    if (equity <= revenue * 0.05) equity = revenue * 0.05 // recapitalised rather than negative
    const liabilities = equity * debtToEquity * rng.between(0.9, 1.1)
    const cr = year === flawYear && flaw === 1 ? 1.6 : currentRatio * rng.between(0.92, 1.08)
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

/** Fair value per share of a year's statements, won: the archetype's multiple of earnings and book. */
const fairValue = (p: Profile, y: Year, multiple: number): number => {
  const eps = (y.netIncome * UNIT_WON) / p.shares
  const bvps = (y.equity * UNIT_WON) / p.shares
  const ncavps = ((y.currentAssets - y.currentLiabilities - y.longTermLiabilities) * UNIT_WON) / p.shares
  switch (p.archetype) {
    case "netnet":
      return Math.max(0.45 * ncavps, 0.2 * bvps)
    case "distressed":
      return Math.max(0.5 * bvps, 300)
    default:
      return Math.max(multiple * Math.max(eps, 0) * 0.6 + 0.4 * bvps * (multiple / 10), 0.3 * bvps)
  }
}

// ---- the common market factor ----

/** Daily market returns with persistent volatility regimes and two scripted sell-offs (2018 Q4, 2020 Q1). */
const makeMarket = (days: ReadonlyArray<TradeDate>, rng: Rng): { readonly ret: Float64Array; readonly vol: Float64Array } => {
  const ret = new Float64Array(days.length), vol = new Float64Array(days.length)
  const regimeVol = [0.006, 0.01, 0.022]
  let regime = 1
  for (let t = 0; t < days.length; t++) {
    const u = rng.uniform()
    if (u < 0.01) regime = Math.min(2, regime + 1)
    else if (u < 0.02) regime = Math.max(0, regime - 1)
    const d = days[t]!
    let drift = 0.0003
    let v = regimeVol[regime]!
    if (d >= "2018-10-01" && d <= "2018-10-31") { drift = -0.006; v = 0.018 }
    if (d >= "2020-02-20" && d <= "2020-03-19") { drift = -0.012; v = 0.035 }
    if (d >= "2020-03-20" && d <= "2020-06-30") { drift = 0.004; v = 0.02 }
    vol[t] = v
    ret[t] = drift + v * rng.normal()
  }
  return { ret, vol }
}

// ---- bars ----

/** Extra log-price target of a boom-bust episode `k` days after its start: slow rise, blow-off, crash, recovery. */
const BOOM_DAYS = 220, CRASH_DAYS = 70, SETTLE_DAYS = 150
const boomPremium = (k: number, height: number): number => {
  if (k < 0) return 0
  if (k < BOOM_DAYS) return height * (k / BOOM_DAYS) ** 2
  if (k < BOOM_DAYS + CRASH_DAYS) return height - (height + 0.35) * ((k - BOOM_DAYS) / CRASH_DAYS)
  if (k < BOOM_DAYS + CRASH_DAYS + SETTLE_DAYS) return -0.35 * (1 - (k - BOOM_DAYS - CRASH_DAYS) / SETTLE_DAYS)
  return 0
}

interface Bars {
  readonly rows: Array<KisChartRowWire>
}

const makeBars = (
  p: Profile, rng: Rng, days: ReadonlyArray<TradeDate>, market: { ret: Float64Array; vol: Float64Array },
  fairAt: (t: number) => number
): Bars => {
  const instrument = ordinaryStock(p.market)
  const heights = p.booms.map(() => rng.between(0.9, 1.5))
  const rows: Array<KisChartRowWire> = []
  let start = days.findIndex((d) => d >= p.listedOn)
  if (start < 0) start = days.length
  let prevClose = 0
  let logPrice = 0
  for (let t = start; t < days.length; t++) {
    const date = days[t]!
    let premium = 0, phase = 0, boomDay = 0
    p.booms.forEach((b, k) => {
      const x = boomPremium(t - b, heights[k]!)
      if (x !== 0) {
        premium += x
        boomDay = t - b
        phase = boomDay < BOOM_DAYS ? 1 : boomDay < BOOM_DAYS + CRASH_DAYS ? -1 : 0
      }
    })
    const target = Math.log(fairAt(t)) + premium
    const vol = p.idioVol * (market.vol[t]! / 0.01) ** 0.5 * (phase !== 0 ? 1.8 : 1)
    const idio = vol * rng.normal()
    if (t === start) {
      logPrice = target
      prevClose = roundToTick(Math.exp(logPrice), instrument, date)
    }
    const pull = (phase !== 0 ? 0.06 : 0.012) * (target - logPrice)
    let r = p.beta * market.ret[t]! + idio + pull
    if (phase === -1 && rng.uniform() < 0.03) r = -0.4 // capitulation day: locked at the lower limit
    if (phase === 1 && rng.uniform() < 0.015) r = 0.4 // euphoric day: locked at the upper limit
    const band = priceBand(prevClose as Won, instrument, date)
    const clamp = (x: number) => Math.min(band.upper, Math.max(band.lower, x))
    const close = t === start ? prevClose : clamp(roundToTick(prevClose * Math.exp(r), instrument, date))
    const open = t === start ? close : clamp(roundToTick(prevClose * Math.exp(0.35 * r + 0.3 * vol * rng.normal()), instrument, date))
    const high = clamp(roundUpToTick(Math.max(open, close) * Math.exp(Math.abs(rng.normal()) * vol * 0.6), instrument, date))
    const low = clamp(roundDownToTick(Math.min(open, close) * Math.exp(-Math.abs(rng.normal()) * vol * 0.6), instrument, date))
    logPrice = Math.log(close)
    const surprise = Math.abs(r - p.beta * market.ret[t]!) / p.idioVol
    let volumeFactor = Math.exp(0.35 * rng.normal()) * (1 + 0.5 * surprise)
    if (phase === 1) volumeFactor *= 1 + 2 * (boomDay / BOOM_DAYS)
    if (rng.uniform() < 0.004 || (phase === -1 && rng.uniform() < 0.05)) volumeFactor *= rng.between(4, 10) // climax
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
  return { rows }
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

/** Generates the whole sample in memory: pure, the same text for the same options. */
export const generateSample = (opts: SampleOptions = DEFAULT_SAMPLE_OPTIONS): Array<SampleFile> => {
  const days = KRX_CALENDAR.tradingDaysBetween(opts.from, opts.to)
  const market = makeMarket(days, makeRng(opts.seed))
  const lastYear = Number(opts.to.slice(0, 4))
  const files: Array<SampleFile> = []
  const universe: Array<KisUniverseRowWire> = []
  for (let i = 0; i < opts.symbols; i++) {
    const rng = makeRng((opts.seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0)
    const p = makeProfile(i, rng, days, opts)
    const years = makeYears(p, rng, lastYear)
    const byYear = new Map(years.map((y) => [y.year, y]))
    const multiple = p.archetype === "growth" ? rng.between(18, 30) : p.archetype === "cyclical" ? rng.between(8, 14) : rng.between(7, 11)
    // the market prices the last annual statement known: the one of year-2 until April, then year-1
    const fairAt = (t: number): number => {
      const d = days[t]!
      const known = Number(d.slice(0, 4)) - (d.slice(5) < "04-01" ? 2 : 1)
      const y = byYear.get(known) ?? years[0]!
      return Math.max(fairValue(p, y, multiple), 200)
    }
    const bars = makeBars(p, rng, days, market, fairAt)
    files.push({ path: `daily/${p.code}.json.gz`, text: jsonLines("output2", [...bars.rows].reverse()), gzip: true })
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

