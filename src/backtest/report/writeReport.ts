// Writes a backtest's report folder: summary.json (settings + metrics), trades/equity/orders/fills CSVs and
// the self-contained report.html. The chart library is read from node_modules at run time, never vendored.
import { FileSystem, Path } from "@effect/platform"
import { Data, Effect } from "effect"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import type { InvalidDomainValue } from "../../domain/errors.js"
import { kstDateOf, kstTimeOf } from "../../domain/Time.js"
import type { BacktestResult } from "../BacktestResult.js"
import type { DataSet } from "../data/DataSet.js"
import { checkBacktestResult, computeMetrics, type Metrics, type MetricsOptions, monthlyReturns } from "../metrics.js"
import { buildChartData, type ChartLimits, DEFAULT_CHART_LIMITS } from "./chartData.js"
import { equityCsv, fillsCsv, ordersCsv, tradesCsv } from "./csv.js"
import { renderReportHtml } from "./html.js"

/** A file the report needs (chart library, page script or style) could not be read. */
export class ReportAssetMissing extends Data.TaggedError("ReportAssetMissing")<{ readonly path: string; readonly cause: unknown }> {
  override get message(): string {
    return `report asset missing: ${this.path} (run npm install; lightweight-charts must be installed)`
  }
}

/** The report folder or one of its files could not be written. */
export class ReportWriteFailed extends Data.TaggedError("ReportWriteFailed")<{ readonly path: string; readonly cause: unknown }> {
  override get message(): string {
    return `could not write report file ${this.path}: ${String(this.cause)}`
  }
}

export interface ReportOptions {
  readonly metrics?: MetricsOptions
  readonly limits?: ChartLimits
  /** Rows of the HTML trade list (the CSV always has every trade). */
  readonly maxTradeRows?: number
  readonly maxWarningRows?: number
}

export interface ReportWritten {
  readonly dir: string
  /** Absolute paths of the files written. */
  readonly files: ReadonlyArray<string>
  readonly metrics: Metrics
}

const CHART_LIBRARY = "dist/lightweight-charts.standalone.production.js"

/** `reports/<strategy>-<YYYYMMDD-HHMMSS>` (KST), with characters that paths cannot hold replaced by "_". */
export const reportDirName = (strategy: string, at: number, root = "reports"): string =>
  `${root}/${strategy.replace(/[\\/:*?"<>|\s\u0000-\u001f]+/g, "_")}-${kstDateOf(at).replaceAll("-", "")}-${kstTimeOf(at)}`

export const writeReport = Effect.fn("Report.write")(function* (
  result: BacktestResult,
  dataSet: DataSet,
  dir: string,
  options: ReportOptions = {}
): Effect.fn.Return<ReportWritten, InvalidDomainValue | ReportAssetMissing | ReportWriteFailed, FileSystem.FileSystem | Path.Path> {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  yield* checkBacktestResult(result)
  const metrics = computeMetrics(result, options.metrics)

  const readAsset = (file: string) =>
    fs.readFileString(file).pipe(Effect.mapError((cause) => new ReportAssetMissing({ path: file, cause })))
  const libraryFile = yield* Effect.try({
    try: () => path.join(path.dirname(createRequire(import.meta.url).resolve("lightweight-charts/package.json")), CHART_LIBRARY),
    catch: (cause) => new ReportAssetMissing({ path: `lightweight-charts/${CHART_LIBRARY}`, cause })
  })
  const [chartLibrary, pageScript, pageStyle] = yield* Effect.all([
    readAsset(libraryFile),
    readAsset(fileURLToPath(new URL("./assets/report.js", import.meta.url))),
    readAsset(fileURLToPath(new URL("./assets/report.css", import.meta.url)))
  ])

  const monthly = monthlyReturns(result)
  const html = renderReportHtml({
    result, metrics, monthly,
    charts: buildChartData(result, dataSet, options.limits ?? DEFAULT_CHART_LIMITS),
    dataWarnings: dataSet.warnings,
    names: new Map(dataSet.symbols.map((s) => [s.ticker, s.name])),
    chartLibrary, pageScript, pageStyle,
    maxTradeRows: options.maxTradeRows ?? 1000,
    maxWarningRows: options.maxWarningRows ?? 500
  })
  const summary = JSON.stringify({ settings: result.settings, metrics, monthlyReturns: monthly, warnings: result.warnings }, null, 2) + "\n"
  const contents: ReadonlyArray<readonly [string, string]> = [
    ["summary.json", summary],
    ["trades.csv", tradesCsv(result)],
    ["equity.csv", equityCsv(result)],
    ["orders.csv", ordersCsv(result)],
    ["fills.csv", fillsCsv(result)],
    ["report.html", html]
  ]

  const root = path.resolve(dir)
  yield* fs.makeDirectory(root, { recursive: true }).pipe(Effect.mapError((cause) => new ReportWriteFailed({ path: root, cause })))
  const files = yield* Effect.forEach(contents, ([name, text]) => {
    const file = path.join(root, name)
    return fs.writeFileString(file, text).pipe(
      Effect.mapError((cause) => new ReportWriteFailed({ path: file, cause })),
      Effect.as(file))
  })
  return { dir: root, files, metrics }
})
