// The backtest command end to end on the committed sample data: --json prints exactly one JSON document,
// the report is written, and usage errors are one line with exit code 2 (in-process and as a real process).
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { cli } from "../../src/cli/cli.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const SAMPLE = ["--data-dir", path.join(root, "data"), "--symbols", "SYN001,SYN002", "--from", "2020-01-02"]

let out: Array<string> = []
let err: Array<string> = []
beforeEach(() => {
  out = []
  err = []
  vi.spyOn(console, "log").mockImplementation((...xs: Array<unknown>) => void out.push(xs.join(" ")))
  vi.spyOn(console, "error").mockImplementation((...xs: Array<unknown>) => void err.push(xs.join(" ")))
})
afterEach(() => vi.restoreAllMocks())

const run = (...args: Array<string>) => Effect.runPromise(cli(["node", "main.ts", "backtest", ...args]).pipe(Effect.provide(NodeContext.layer)))

interface JsonOutput {
  readonly summary: { readonly finalEquity: number; readonly strategy: string }
  readonly trades: ReadonlyArray<{ symbol: string; entryDate: string; entryPrice: number; exitDate: string | null; exitPrice: number | null; quantity: number }>
}

describe("backtest command (in-process)", () => {
  it("--json prints one JSON document with the summary and trades", async () => {
    expect(await run("sma-cross", ...SAMPLE, "--json", "--costs", "zero")).toBe(0)
    expect(out).toHaveLength(1)
    const doc = JSON.parse(out[0]!) as JsonOutput
    expect(doc.summary.strategy).toBe("sma-cross")
    expect(Number.isInteger(doc.summary.finalEquity)).toBe(true)
    expect(doc.trades.length).toBeGreaterThan(0)
    for (const t of doc.trades) {
      expect(["SYN001", "SYN002"]).toContain(t.symbol)
      expect(t.entryDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      expect(t.entryDate >= "2020-01-02").toBe(true)
      expect(t.exitDate === null || t.exitDate >= t.entryDate).toBe(true)
      expect(t.exitDate === null).toBe(t.exitPrice === null)
    }
    expect(err).toEqual([])
  })

  it("switches change the outcome: costs lower final equity", async () => {
    await run("sma-cross", ...SAMPLE, "--json", "--costs", "zero")
    await run("sma-cross", ...SAMPLE, "--json", "--slippage", "2t")
    const [zero, costly] = out.map((o) => (JSON.parse(o) as JsonOutput).summary.finalEquity)
    expect(costly).toBeLessThan(zero!)
  })

  it("writes the summary table and the HTML report", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "report-"))
    try {
      expect(await run("sma-cross", ...SAMPLE, "--out", dir)).toBe(0)
      expect(existsSync(path.join(dir, "report.html"))).toBe(true)
      expect(out.join("\n")).toMatch(/report: .*report\.html/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("--benchmark compares with an index file instead of the equal-weight universe", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bench-"))
    try {
      const file = path.join(dir, "index.csv")
      writeFileSync(file, "date,close\n2019-12-30,2000\n2020-06-01,2500\n2030-01-01,3000\n")
      expect(await run("sma-cross", ...SAMPLE, "--json", "--benchmark", file)).toBe(0)
      const summary = (JSON.parse(out[0]!) as { summary: { benchmarkReturn: number } }).summary
      expect(summary.benchmarkReturn).toBeCloseTo(0.25, 10)
      writeFileSync(file, "date,close\n2020-01-02,abc\n")
      expect(await run("sma-cross", ...SAMPLE, "--json", "--benchmark", file)).toBe(1)
      expect(err.at(-1)).toMatch(/index\.csv:2 close=abc/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.each([
    [["no-such-strategy", ...SAMPLE], /unknown strategy "no-such-strategy"/],
    [["sma-cross", "--data-dir", path.join(root, "data"), "--symbols", "999999"], /unknown symbol 999999/],
    [["sma-cross", "--data-dir", path.join(root, "data"), "--symbols", "bad"], /unknown symbol "bad"/],
    [["sma-cross", ...SAMPLE, "--to", "2020-13-45"], /--to "2020-13-45" is not a date/],
    [["sma-cross", "--data-dir", path.join(root, "data"), "--from", "2030-01-02"], /^error: --from 2030-01-02 is after the last day of .*data, 2025-12-30$/],
    [["sma-cross", "--data-dir", path.join(root, "data"), "--to", "2000-01-04"], /^error: no bar in .*data on or before --to 2000-01-04$/],
    [["sma-cross", ...SAMPLE, "--slippage", "3x"], /--slippage/],
    [["sma-cross", ...SAMPLE, "--params", "fast=40"], /bad --params for sma-cross/]
  ])("exits 2 with one line for %j", async (args, message) => {
    expect(await run(...args, "--json")).toBe(2)
    expect(out).toEqual([])
    expect(err).toHaveLength(1)
    expect(err[0]).toMatch(message)
  })
})

const spawn = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ["--import", "tsx", path.join(root, "src/cli/main.ts"), "backtest", ...args], { cwd: root }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr }))
  })

describe("backtest command (child process)", () => {
  it("prints only JSON on stdout and exits 0; a usage error exits 2", async () => {
    const [ok, bad] = await Promise.all([spawn(["sma-cross", ...SAMPLE, "--json"]), spawn(["nope", ...SAMPLE, "--json"])])
    expect(ok.code).toBe(0)
    expect((JSON.parse(ok.stdout) as JsonOutput).summary.finalEquity).toBeGreaterThan(0)
    expect(bad.code).toBe(2)
    expect(bad.stdout).toBe("")
    expect(bad.stderr.trim().split("\n")).toHaveLength(1)
  })
})
