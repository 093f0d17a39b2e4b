// writeReport: the folder holds every file with consistent contents; bad input and unwritable paths fail
// with typed errors naming what and where.
import { FileSystem, Path } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { computeMetrics } from "../../../src/backtest/metrics.js"
import { reportDirName, writeReport } from "../../../src/backtest/report/writeReport.js"
import { kstInstant, tradeDate } from "../../../src/domain/Time.js"
import { syntheticRun } from "./syntheticRun.js"

const tradesHeader = "ticker,entryDate,entryPrice,exitDate,exitPrice,quantity,pnl,returnPct,holdingDays"
const FILES = ["summary.json", "trades.csv", "equity.csv", "orders.csv", "fills.csv", "report.html"]

describe("writeReport", () => {
  it.scoped("writes summary.json, the four CSVs and report.html", () => Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const tmp = yield* fs.makeTempDirectoryScoped()
    const { result, dataSet } = syntheticRun()
    const written = yield* writeReport(result, dataSet, path.join(tmp, "reports", "run-1"), { metrics: { riskFreeRate: 0.03 } })
    expect(written.files.map((f) => path.basename(f))).toEqual(FILES)
    expect(written.metrics).toEqual(computeMetrics(result, { riskFreeRate: 0.03 }))

    const summary = JSON.parse(yield* fs.readFileString(path.join(written.dir, "summary.json")))
    expect(summary.settings.strategy).toBe("reflexivity")
    expect(summary.metrics.riskFreeRate).toBe(0.03)
    expect(summary.metrics.finalEquity).toBe(result.equity[result.equity.length - 1]!.equity)
    expect(summary.monthlyReturns[0].year).toBe(2024)

    const html = yield* fs.readFileString(path.join(written.dir, "report.html"))
    expect(html).toContain("TradingView Lightweight Charts™ v5") // the library is inlined, not linked
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/)
    const equityRows = (yield* fs.readFileString(path.join(written.dir, "equity.csv"))).trim().split("\r\n")
    expect(equityRows.length).toBe(result.equity.length + 1)
  }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("an empty run (no equity points, no trades) still gives a complete folder", () => Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const tmp = yield* fs.makeTempDirectoryScoped()
    const { result, dataSet } = syntheticRun()
    const empty = { ...result, equity: [], orders: [], fills: [], trades: [], annotations: [], warnings: [] }
    const written = yield* writeReport(empty, { ...dataSet, warnings: [] }, tmp)
    expect(written.files.length).toBe(FILES.length)
    const html = yield* fs.readFileString(path.join(tmp, "report.html"))
    for (const text of ["No trades.", "No symbol traded.", "No equity points.", "No data warnings."]) expect(html).toContain(text)
    expect((yield* fs.readFileString(path.join(tmp, "trades.csv"))).split("\r\n")).toEqual([tradesHeader, ""])
    const summary = JSON.parse(yield* fs.readFileString(path.join(tmp, "summary.json")))
    expect(summary.metrics).toMatchObject({ tradingDays: 0, totalReturn: 0, cagr: null, sharpe: null, maxDrawdown: null })
  }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("refuses a result whose equity dates go backwards, naming the point", () => Effect.gen(function* () {
    const { result, dataSet } = syntheticRun()
    const swapped = [result.equity[1]!, result.equity[0]!, ...result.equity.slice(2)]
    const error = yield* Effect.flip(writeReport({ ...result, equity: swapped }, dataSet, "/nonexistent/never-written"))
    expect(error._tag).toBe("InvalidDomainValue")
    expect(error.message).toContain("equity[1].date")
  }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("a path that cannot be a folder fails with ReportWriteFailed naming it", () => Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const tmp = yield* fs.makeTempDirectoryScoped()
    const blocker = path.join(tmp, "a-file")
    yield* fs.writeFileString(blocker, "")
    const { result, dataSet } = syntheticRun()
    const error = yield* Effect.flip(writeReport(result, dataSet, path.join(blocker, "report")))
    expect(error._tag).toBe("ReportWriteFailed")
    expect(error.message).toContain(path.join(blocker, "report"))
  }).pipe(Effect.provide(NodeContext.layer)))
})

describe("reportDirName", () => {
  it("names the folder after the strategy and the KST time, with unsafe characters replaced", () => {
    const at = kstInstant(tradeDate("2024-03-05"), "153000")
    expect(reportDirName("sma-cross", at)).toBe("reports/sma-cross-20240305-153000")
    expect(reportDirName("반사성 / v2", at, "out")).toBe("out/반사성_v2-20240305-153000")
  })
})
