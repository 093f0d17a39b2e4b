// The synthetic sample: deterministic, identical to the files in data/, within 15 MB, every bar on the KRX
// tick ladder and inside the ±30 % band, statements internally consistent, varied enough to be useful (Graham
// passes and failures, net-nets, boom-bust cycles with volume climaxes), and not rigged for value screens.
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { readdirSync, readFileSync, statSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { gunzipSync } from "node:zlib"
import { beforeAll, describe, expect, it } from "vitest"
import type { DataSet } from "../../../src/backtest/data/DataSet.js"
import { loadDataSet } from "../../../src/backtest/data/load.js"
import { DEFAULT_SAMPLE_OPTIONS, generateSample } from "../../../src/backtest/data/sampleGenerator.js"
import type { FinancialStatement } from "../../../src/domain/Fundamentals.js"
import { priceBand } from "../../../src/domain/krx/priceBand.js"
import { isOnTick } from "../../../src/domain/krx/tick.js"
import type { Won } from "../../../src/domain/Money.js"
import { tradeDate, type TradeDate } from "../../../src/domain/Time.js"

const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../data")
const MAX_SAMPLE_BYTES = 15 * 1024 * 1024

const filesUnder = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)])

describe("generateSample", () => {
  it("is deterministic and depends on its seed", () => {
    const small = { ...DEFAULT_SAMPLE_OPTIONS, symbols: 4, to: tradeDate("2015-06-30") }
    const a = generateSample(small), b = generateSample(small)
    expect(a).toEqual(b)
    expect(generateSample({ ...small, seed: small.seed + 1 })).not.toEqual(a)
  })

  it("produced exactly the files in data/, which stay under 15 MB", () => {
    const generated = generateSample()
    const onDisk = filesUnder(DATA_DIR).map((f) => path.relative(DATA_DIR, f)).filter((f) => f !== "README.md").sort()
    expect(onDisk).toEqual(generated.map((f) => f.path).sort())
    for (const file of generated) {
      const bytes = readFileSync(path.join(DATA_DIR, file.path))
      expect((file.gzip ? gunzipSync(bytes) : bytes).toString("utf8"), file.path).toBe(file.text)
    }
    const total = filesUnder(DATA_DIR).reduce((sum, f) => sum + statSync(f).size, 0)
    expect(total).toBeLessThanOrEqual(MAX_SAMPLE_BYTES)
  })
})

describe("the sample in data/", () => {
  let ds: DataSet
  beforeAll(async () => {
    ds = await Effect.runPromise(loadDataSet(DATA_DIR).pipe(Effect.provide(NodeContext.layer)))
  })

  it("keeps every price on the date's tick ladder and every close inside the previous close's band", () => {
    let checked = 0
    for (const s of ds.symbols) {
      const b = ds.bars.get(s.ticker)!
      for (let i = 0; i < b.length; i++) {
        const date = b.dates[i]!
        for (const p of [b.open[i]!, b.high[i]!, b.low[i]!, b.close[i]!]) {
          if (!isOnTick(p, s.instrument, date)) expect.fail(`${s.ticker} ${date}: ${p} is off the tick ladder`)
        }
        if (i > 0) {
          const band = priceBand(b.close[i - 1]! as Won, s.instrument, date)
          for (const p of [b.open[i]!, b.high[i]!, b.low[i]!, b.close[i]!]) {
            if (p < band.lower || p > band.upper) expect.fail(`${s.ticker} ${date}: ${p} outside [${band.lower}, ${band.upper}]`)
          }
        }
        checked++
      }
    }
    expect(checked).toBeGreaterThan(50 * 2400)
  })

  it("has statements whose balance sheets balance and whose quarters add up to the year", () => {
    for (const s of ds.symbols) {
      const statements = ds.statements.get(s.ticker)!
      for (const st of statements) {
        if (st.totalAssets !== undefined && st.totalLiabilities !== undefined && st.totalEquity !== undefined) {
          expect(Math.abs(st.totalAssets - st.totalLiabilities - st.totalEquity)).toBeLessThanOrEqual(2_000_000)
        }
      }
      for (const fy of statements.filter((x) => x.periodType === "annual" && x.netIncome !== undefined)) {
        const year = fy.periodEnd.slice(0, 4)
        const quarters = statements.filter((x) => x.periodType === "quarter" && x.periodEnd.startsWith(year))
        expect(quarters).toHaveLength(4)
        expect(quarters.reduce((sum, q) => sum + q.netIncome!, 0)).toBe(fy.netIncome)
      }
    }
  })

  /** What a Graham defensive screen reads at `asOf`, computed here independently of the strategy code. */
  const screen = (asOf: TradeDate) => ds.symbols.flatMap((s) => {
    const bars = ds.bars.get(s.ticker)!
    let i = bars.length - 1
    while (i >= 0 && bars.dates[i]! > asOf) i--
    if (i < 0) return []
    const known = ds.statements.get(s.ticker)!.filter((x) => x.availableFrom <= asOf)
    const annual = known.filter((x) => x.periodType === "annual").slice(-10)
    const latest: FinancialStatement | undefined = known[known.length - 1]
    if (annual.length < 10 || latest === undefined) return []
    const cap = bars.close[i]! * s.sharesOutstanding!
    const avgEarnings = annual.slice(-3).reduce((a, x) => a + (x.netIncome ?? 0), 0) / 3
    const ncav = latest.currentAssets! - latest.totalLiabilities!
    const sound = annual.every((x) => (x.netIncome ?? -1) > 0 && (x.dividendPerShare ?? 0) > 0) &&
      latest.currentAssets! >= 2 * latest.currentLiabilities!
    return [{
      ticker: s.ticker,
      sound,
      defensive: sound && avgEarnings > 0 && cap / avgEarnings <= 15,
      netnet: ncav > 0 && cap < (2 / 3) * ncav
    }]
  })

  it("lets a defensive screen pass some names and fail most, and holds a few net-nets", () => {
    for (const asOf of ["2016-06-30", "2020-06-30", "2024-06-28"].map(tradeDate)) {
      const r = screen(asOf)
      const passing = r.filter((x) => x.defensive).length, netnets = r.filter((x) => x.netnet).length
      expect(passing, asOf).toBeGreaterThanOrEqual(3)
      expect(r.length - passing, asOf).toBeGreaterThanOrEqual(20)
      expect(netnets, asOf).toBeGreaterThanOrEqual(2)
    }
  })

  it("lets some names that pass the defensive screen fail its earnings, dividend or balance-sheet tests later", () => {
    const passedIn2016 = new Set(screen(tradeDate("2016-06-30")).filter((x) => x.defensive).map((x) => x.ticker))
    const unsoundLater = screen(tradeDate("2024-06-28")).filter((x) => passedIn2016.has(x.ticker) && !x.sound)
    expect(unsoundLater.length).toBeGreaterThanOrEqual(2)
  })

  /** Spearman rank correlation. */
  const rankCorrelation = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number => {
    const ranks = (xs: ReadonlyArray<number>) => {
      const r = new Array<number>(xs.length)
      xs.map((x, i) => [x, i] as const).sort((u, v) => u[0] - v[0]).forEach(([, i], k) => { r[i] = k })
      return r
    }
    const ra = ranks(a), rb = ranks(b), mean = (a.length - 1) / 2
    let cov = 0, va = 0, vb = 0
    ra.forEach((x, i) => { cov += (x - mean) * (rb[i]! - mean); va += (x - mean) ** 2; vb += (rb[i]! - mean) ** 2 })
    return cov / Math.sqrt(va * vb)
  }

  it("does not let the published statements predict the next year's returns much", () => {
    // Each June, once the annual reports are public: rank names by Graham number / price (cheap first) and by
    // the return to the next June. A generator that priced its own statements with a lag ranks these alike.
    const correlations: Array<number> = []
    for (let year = 2015; year <= 2024; year++) {
      const asOf = tradeDate(`${year}-06-30`), next = tradeDate(`${year + 1}-06-30`)
      const cheapness: Array<number> = [], returns: Array<number> = []
      for (const s of ds.symbols) {
        const bars = ds.bars.get(s.ticker)!
        const closeOn = (d: TradeDate) => {
          let i = bars.length - 1
          while (i >= 0 && bars.dates[i]! > d) i--
          return i < 0 ? undefined : bars.close[i]!
        }
        const price = closeOn(asOf), later = closeOn(next)
        const annual = ds.statements.get(s.ticker)!.filter((x) => x.periodType === "annual" && x.availableFrom <= asOf).at(-1)
        if (price === undefined || later === undefined || annual?.netIncome === undefined || annual.totalEquity === undefined) continue
        const eps = annual.netIncome / s.sharesOutstanding!, bvps = annual.totalEquity / s.sharesOutstanding!
        cheapness.push(eps > 0 && bvps > 0 ? Math.sqrt(22.5 * eps * bvps) / price : 0)
        returns.push(later / price - 1)
      }
      correlations.push(rankCorrelation(cheapness, returns))
    }
    const mean = correlations.reduce((a, c) => a + c, 0) / correlations.length
    expect(mean).toBeLessThan(0.15)
    expect(correlations.filter((c) => c < 0.05).length).toBeGreaterThanOrEqual(3) // cheapness fails in some years
  })

  it("contains boom-bust cycles (a doubling within a year, then a halving) with volume climaxes", () => {
    let cycles = 0, climaxes = 0
    for (const s of ds.symbols) {
      const b = ds.bars.get(s.ticker)!
      let found = false
      for (let i = 250; i < b.length && !found; i += 5) {
        let trough = Infinity
        for (let k = i - 250; k < i; k++) trough = Math.min(trough, b.close[k]!)
        if (b.close[i]! < 2 * trough) continue
        for (let k = i; k < Math.min(b.length, i + 250); k++) if (b.close[k]! < 0.5 * b.close[i]!) found = true
      }
      if (found) cycles++
      const sorted = Float64Array.from(b.volume).sort()
      const median = sorted[sorted.length >> 1]!
      if (b.volume.some((v) => v > 5 * median)) climaxes++
    }
    expect(cycles).toBeGreaterThanOrEqual(5)
    expect(climaxes).toBeGreaterThanOrEqual(ds.symbols.length / 2)
    expect(ds.warnings.filter((w) => w.kind === "limit-move").length).toBeGreaterThan(10)
  })
})
