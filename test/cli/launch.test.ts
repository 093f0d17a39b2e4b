// scripts/launch.mjs end to end: a real command runs from the cached bundle exactly as it runs from the sources
// (report assets included); an edit, or a new file that changes an import, is rebuilt before the next run;
// launches racing on an empty cache each get a whole bundle; a build error fails loudly; stack traces name the sources.
import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, beforeEach, describe, expect, it } from "vitest"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const SAMPLE = ["--data-dir", path.join(root, "data"), "--symbols", "SYN001,SYN002", "--from", "2020-01-02"]

interface Finished { readonly code: number | null; readonly stdout: string; readonly stderr: string }

const run = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = process.env) =>
  new Promise<Finished>((resolve) => {
    execFile(process.execPath, args, { cwd: root, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr }))
  })

let work = ""
let cache = ""
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), "launch-test-"))
  cache = path.join(work, "cache")
})
afterEach(() => rmSync(work, { recursive: true, force: true }))

/** Runs the launcher with its bundles kept in this test's own cache folder. */
const launch = (...args: Array<string>) =>
  run([path.join(root, "scripts/launch.mjs"), ...args], { ...process.env, STOCK_MANAGER_BUILD_CACHE: cache })

/** The bundles built so far for the one entry this test launches. */
const builds = (): ReadonlyArray<string> => {
  const [entryCache, ...others] = readdirSync(cache)
  expect(others).toEqual([])
  return readdirSync(path.join(cache, entryCache!)).filter((name) => name.startsWith("build-"))
}

describe("launcher", () => {
  it("runs a backtest from the bundle with the same output as from the sources, and writes a complete report", async () => {
    const [bundled, fromSources] = await Promise.all([
      launch("cli", "backtest", "sma-cross", ...SAMPLE, "--json"),
      run(["--import", "tsx", path.join(root, "src/cli/main.ts"), "backtest", "sma-cross", ...SAMPLE, "--json"])
    ])
    expect(bundled.code).toBe(0)
    expect(bundled.stderr).toBe("")
    expect((JSON.parse(bundled.stdout) as { summary: { strategy: string } }).summary.strategy).toBe("sma-cross")
    expect(bundled.stdout).toBe(fromSources.stdout)

    const out = path.join(work, "report")
    const report = await launch("cli", "backtest", "sma-cross", ...SAMPLE, "--out", out)
    expect(report.code).toBe(0)
    const html = readFileSync(path.join(out, "report.html"), "utf8")
    const firstLine = (file: string) => readFileSync(path.join(root, "src/backtest/report/assets", file), "utf8").split("\n")[0]!
    expect(html).toContain("TradingView Lightweight Charts")
    expect(html).toContain(firstLine("report.css"))
    expect(html).toContain(firstLine("report.js"))
  })

  describe("staleness", () => {
    let sources = ""
    const hourAgo = Date.now() / 1000 - 3600
    /** Writes a source dated `at` (seconds), well before any build, so only the change under test can make a bundle stale. */
    const writeSource = (name: string, text: string, at: number) => {
      writeFileSync(path.join(sources, name), text)
      utimesSync(path.join(sources, name), at, at)
      return path.join(sources, name)
    }
    const dateFolder = (at: number) => utimesSync(sources, at, at)
    beforeEach(() => {
      sources = path.join(work, "sources")
      mkdirSync(sources)
    })
    const printGreeting = `import { greeting } from "./greeting.js"\nconsole.log(JSON.stringify({ greeting, args: process.argv.slice(2) }))\n`

    it("rebuilds after an edit that keeps the file's size, and reuses the bundle while nothing changed", async () => {
      const entry = writeSource("entry.ts", printGreeting, hourAgo)
      writeSource("greeting.ts", `export const greeting: string = "one"\n`, hourAgo)
      dateFolder(hourAgo)

      const first = await launch(entry, "a", "--b")
      expect(first.stderr).toBe("")
      expect(JSON.parse(first.stdout)).toEqual({ greeting: "one", args: ["a", "--b"] })
      const [firstBuild] = builds()

      const again = await launch(entry)
      expect(JSON.parse(again.stdout)).toEqual({ greeting: "one", args: [] })
      expect(builds()).toEqual([firstBuild])

      writeSource("greeting.ts", `export const greeting: string = "two"\n`, hourAgo + 60)
      const edited = await launch(entry)
      expect(JSON.parse(edited.stdout)).toEqual({ greeting: "two", args: [] })
      expect(builds()).toHaveLength(2)
    })

    it("rebuilds when a new file changes what an import resolves to", async () => {
      const entry = writeSource("entry.ts", printGreeting, hourAgo)
      writeSource("greeting.ts", `export const greeting: string = "typescript"\n`, hourAgo)
      dateFolder(hourAgo)
      expect(JSON.parse((await launch(entry)).stdout)).toEqual({ greeting: "typescript", args: [] })

      writeSource("greeting.js", `export const greeting = "javascript"\n`, hourAgo)
      dateFolder(hourAgo + 60)
      expect(JSON.parse((await launch(entry)).stdout)).toEqual({ greeting: "javascript", args: [] })
    })

    it("does not trust a source dated after the build started (it may have changed while being read)", async () => {
      const entry = writeSource("entry.ts", printGreeting, hourAgo)
      writeSource("greeting.ts", `export const greeting: string = "now"\n`, Date.now() / 1000 + 3600)
      dateFolder(hourAgo)
      await launch(entry)
      await launch(entry)
      expect(builds()).toHaveLength(2)
    })
  })

  it("prints stack traces of a running command that name the source files and lines, not the bundle's", async () => {
    const entry = path.join(work, "entry.ts")
    writeFileSync(entry, `const explode = (): number => {\n  throw new Error("boom")\n}\nsetTimeout(explode, 1)\n`)
    const failed = await launch(entry)
    expect(failed.code).toBe(1)
    expect(failed.stderr).toContain("Error: boom")
    expect(failed.stderr).toMatch(/at explode \(\S*entry\.ts:2:9\)/)
  })

  it("lets launches that start together on an empty cache each run a whole bundle", async () => {
    const entry = path.join(work, "entry.ts")
    writeFileSync(entry, `console.log(process.argv[2])\n`)
    const outputs = await Promise.all(["1", "2", "3", "4"].map((n) => launch(entry, n)))
    expect(outputs.map((o) => [o.code, o.stdout.trim(), o.stderr])).toEqual(["1", "2", "3", "4"].map((n) => [0, n, ""]))
  })

  it("exits 1 with the compiler's error when the entry does not build, and 2 for an unknown command", async () => {
    const broken = path.join(work, "broken.ts")
    writeFileSync(broken, "export const = 1\n")
    const failed = await launch(broken)
    expect(failed.code).toBe(1)
    expect(failed.stdout).toBe("")
    expect(failed.stderr).toContain("broken.ts")
    expect(failed.stderr).toContain("could not build")

    const unknown = await launch("nope")
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/^usage: node scripts\/launch\.mjs/)
  })
})
