// Backtest throughput: sma-cross over generated histories in-process once generated (bars/s, also with every order
// and fill record read; peak RSS; linearity when the history doubles), and one symbol × 5,000 bars as a whole `npm run backtest` process (wall time, and
// how much of it is start-up). Medians of a few runs, with the machine's load. Prints JSON. `npm run bench:backtest`
// runs it from the launcher's bundle, as every command runs.
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import type { BarColumns, DataSet } from "../src/backtest/data/DataSet.js"
import { REALISTIC_RULES } from "../src/backtest/matching/matchOrder.js"
import { runBacktest } from "../src/backtest/runBacktest.js"
import { KRX_CALENDAR } from "../src/domain/krx/calendar.js"
import { KRX_COSTS } from "../src/domain/krx/costs.js"
import { ordinaryStock } from "../src/domain/Market.js"
import { ticker, type Won } from "../src/domain/Money.js"
import { type TradeDate, tradeDate } from "../src/domain/Time.js"
import smaCross from "../strategies/sma-cross/index.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

const tradingDays = (count: number, from: string): ReadonlyArray<TradeDate> =>
  KRX_CALENDAR.tradingDaysBetween(tradeDate(from), tradeDate("2040-12-31")).slice(0, count)

/** A seeded random walk per symbol, integer prices, as the loader's columns. */
const generate = (symbols: number, bars: number): DataSet => {
  const dates = tradingDays(bars, bars <= 4_000 ? "2010-01-04" : "2005-01-03")
  let seed = 12345
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
  const columns: Array<BarColumns> = []
  for (let s = 0; s < symbols; s++) {
    const open = new Float64Array(bars), high = new Float64Array(bars), low = new Float64Array(bars)
    const close = new Float64Array(bars), volume = new Float64Array(bars)
    let prev = 5_000 + Math.floor(rnd() * 50_000)
    for (let i = 0; i < bars; i++) {
      const o = Math.max(100, Math.round(prev * (1 + (rnd() - 0.5) * 0.02)))
      const c = Math.max(100, Math.round(o * (1 + (rnd() - 0.5) * 0.05)))
      open[i] = o
      close[i] = c
      high[i] = Math.max(o, c) + Math.round(rnd() * o * 0.01)
      low[i] = Math.max(1, Math.min(o, c) - Math.round(rnd() * o * 0.01))
      volume[i] = 10_000 + Math.floor(rnd() * 1_000_000)
      prev = c
    }
    columns.push({ ticker: ticker(String(100000 + s)), length: bars, dates, open, high, low, close, volume })
  }
  return {
    source: "generated",
    symbols: columns.map((c) => ({ ticker: c.ticker, name: c.ticker, instrument: ordinaryStock("KOSPI"), listedOn: undefined, sharesOutstanding: undefined })),
    bars: new Map(columns.map((c) => [c.ticker, c] as const)),
    statements: new Map(),
    warnings: []
  }
}

/**
 * Wall and CPU seconds of one run (CPU time adds the GC and compiler threads, so it can exceed wall time), to its
 * result with equity curve and round trips; then the seconds to read every order and fill record, which a result
 * builds when first read.
 */
const timeRun = (dataSet: DataSet) => {
  const started = performance.now()
  const cpu = process.cpuUsage()
  const result = Effect.runSync(runBacktest(dataSet, {
    strategy: smaCross,
    params: { fast: 10, slow: 30 },
    initialCash: 10_000_000_000 as Won,
    sim: { rules: REALISTIC_RULES, fill: "next-open", remainder: "keep", costs: KRX_COSTS, settlementDate: KRX_CALENDAR.settlementDate },
    riskLimits: undefined,
    calendar: KRX_CALENDAR,
    assumptions: {}
  }))
  const used = process.cpuUsage(cpu)
  const seconds = (performance.now() - started) / 1000
  const reading = performance.now()
  const records = { orders: result.orders.length, fills: result.fills.length }
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, recordsSeconds: (performance.now() - reading) / 1000, ...records }
}

const median = (xs: ReadonlyArray<number>): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Runs per in-process figure: on a shared machine single runs vary by ±15 %, so the median of five. */
const RUNS = 5
/** Runs per whole-process figure (each starts a process). */
const PROCESS_RUNS = 3

type TimedRun = ReturnType<typeof timeRun>

/** The figures of one history size from its runs: the median, the fastest, and the first run. */
const summarize = (symbols: number, bars: number, runs: ReadonlyArray<TimedRun>) => {
  const totalBars = symbols * bars
  const seconds = median(runs.map((r) => r.seconds)), cpuSeconds = median(runs.map((r) => r.cpuSeconds))
  const fastest = Math.min(...runs.map((r) => r.seconds))
  const withRecords = median(runs.map((r) => r.seconds + r.recordsSeconds))
  return {
    symbols, bars, totalBars, runs: runs.length, seconds, cpuSeconds, fastestSeconds: fastest,
    barsPerSecond: Math.round(totalBars / seconds), barsPerSecondFastest: Math.round(totalBars / fastest),
    // the first run over the data builds the close panel that later runs over the same universe share
    barsPerSecondFirstRun: Math.round(totalBars / runs[0]!.seconds),
    barsPerCpuSecond: Math.round(totalBars / cpuSeconds),
    recordsSeconds: median(runs.map((r) => r.recordsSeconds)), barsPerSecondWithRecords: Math.round(totalBars / withRecords),
    orders: runs[0]!.orders, fills: runs[0]!.fills
  }
}

/**
 * `symbols` × `bars` and the same symbols over half the bars, on data generated once (the load is not timed), RUNS
 * runs each. The two sizes alternate, so a change in the shared machine's speed falls on both alike; the growth
 * for 2× the bars is the median of each round's ratio.
 */
const inProcess = (symbols: number, bars: number) => {
  const halfData = generate(symbols, bars / 2), fullData = generate(symbols, bars)
  const halfRuns: Array<TimedRun> = [], fullRuns: Array<TimedRun> = []
  for (let i = 0; i < RUNS; i++) {
    halfRuns.push(timeRun(halfData))
    fullRuns.push(timeRun(fullData))
  }
  return {
    half: summarize(symbols, bars / 2, halfRuns),
    full: summarize(symbols, bars, fullRuns),
    timeRatioFor2xBars: median(fullRuns.map((r, i) => r.seconds / halfRuns[i]!.seconds)),
    cpuRatioFor2xBars: median(fullRuns.map((r, i) => r.cpuSeconds / halfRuns[i]!.cpuSeconds))
  }
}

/**
 * Wall seconds of one command as a separate process, started as `npm run backtest` starts it: through the launcher,
 * here with its bundles kept in `buildCache` (an empty folder makes the run build the bundle first).
 */
const timeProcess = (args: ReadonlyArray<string>, buildCache: string): { readonly seconds: number; readonly stdout: string } => {
  const started = performance.now()
  const stdout = execFileSync(process.execPath, [path.join(root, "scripts/launch.mjs"), "cli", ...args],
    { cwd: root, encoding: "utf8", env: { ...process.env, STOCK_MANAGER_BUILD_CACHE: buildCache } })
  return { seconds: (performance.now() - started) / 1000, stdout }
}

/**
 * `backtest sma-cross` on one symbol as a whole process, and `--help` alone: what start-up costs of that. Cold runs
 * build the bundle first (the first run after a source change); warm runs reuse it (every other run).
 */
const wholeProcess = (bars: number) => {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-backtest-"))
  try {
    const d = generate(1, bars).bars.values().next().value!
    const rows = ["date,open,high,low,close,volume"]
    for (let i = 0; i < d.length; i++) rows.push(`${d.dates[i]},${d.open[i]},${d.high[i]},${d.low[i]},${d.close[i]},${d.volume[i]}`)
    writeFileSync(path.join(dir, `${d.ticker}.csv`), rows.join("\n") + "\n")
    const backtest = ["backtest", "sma-cross", "--data-dir", dir, "--json"]
    const cold = Array.from({ length: PROCESS_RUNS }, (_, i) => timeProcess(backtest, path.join(dir, `build-cache-${i}`)).seconds)
    const warmCache = path.join(dir, `build-cache-${PROCESS_RUNS - 1}`)
    const runs = Array.from({ length: PROCESS_RUNS }, () => timeProcess(backtest, warmCache))
    const startup = Array.from({ length: PROCESS_RUNS }, () => timeProcess(["--help"], warmCache).seconds)
    const parsed = JSON.parse(runs[0]!.stdout) as { summary: { finalEquity: number }; trades: ReadonlyArray<unknown> }
    return {
      symbols: 1, bars, runs: PROCESS_RUNS,
      wallSeconds: median(runs.map((r) => r.seconds)), fastestWallSeconds: Math.min(...runs.map((r) => r.seconds)),
      coldWallSeconds: median(cold), helpOnlyWallSeconds: median(startup),
      trades: parsed.trades.length, finalEquity: parsed.summary.finalEquity
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Nanoseconds per step of a trivial loop: a shared or throttled machine shows up here, not only in the figures above. */
const simpleLoopNs = (): number => {
  const n = 200_000_000
  const started = performance.now()
  let s = 0
  for (let i = 0; i < n; i++) s += i & 7
  if (s < 0) throw new Error("unreachable")
  return ((performance.now() - started) * 1e6) / n
}

/** Peak RSS of a process that generates the full history and runs it once: what one such backtest needs. */
const peakRssOfOneRun = (): number => {
  const out = execFileSync(process.execPath, [path.join(root, "scripts/launch.mjs"), path.relative(root, fileURLToPath(import.meta.url)), ONE_RUN_FLAG], { cwd: root, encoding: "utf8" })
  return (JSON.parse(out) as { peakRssMb: number }).peakRssMb
}

const ONE_RUN_FLAG = "--one-run"
const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024)

if (process.argv.includes(ONE_RUN_FLAG)) {
  timeRun(generate(2_000, 2_500))
  console.log(JSON.stringify({ peakRssMb: maxRssMb() }))
} else {
  const os = await import("node:os")
  // warm-up: JIT and lazily loaded modules are not what is measured
  const small = generate(200, 500)
  for (let i = 0; i < RUNS; i++) timeRun(small)
  const sizes = inProcess(2_000, 2_500)
  console.log(JSON.stringify({
    benchmark: "backtest",
    node: process.version,
    machine: { cpus: os.cpus().length, loadAverage: os.loadavg(), simpleLoopNs: simpleLoopNs() },
    inProcess: {
      ...sizes,
      peakRssMbOneRun: peakRssOfOneRun(), peakRssMbThisProcess: maxRssMb()
    },
    targets: { barsPerSecond: 5_000_000, peakRssMb: 1024, timeRatioFor2xBars: 2.2 },
    cli: wholeProcess(5_000)
  }, null, 2))
}
