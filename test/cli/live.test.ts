// The live command's universe: with --env sim and no universe named it trades every symbol kis-sim serves by default
// (data/), and says so in one log line; a KIS mock or real account refuses an implicit list before connecting.
import { describe, expect, it } from "@effect/vitest"
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterEach, beforeEach, vi } from "vitest"
import { cli } from "../../src/cli/cli.js"
import { clockTo, DATA_DIR, startTestSim } from "../sim/support/simHarness.js"

let out: Array<string> = []
let err: Array<string> = []
let stateDir = ""
beforeEach(() => {
  out = []
  err = []
  stateDir = mkdtempSync(path.join(tmpdir(), "live-cli-"))
  vi.spyOn(console, "log").mockImplementation((...xs: Array<unknown>) => void out.push(xs.join(" ")))
  vi.spyOn(console, "error").mockImplementation((...xs: Array<unknown>) => void err.push(xs.join(" ")))
  // a complete configuration for every environment, aimed at a closed loopback port: only the universe rule can refuse
  vi.stubEnv("KIS_APP_KEY", "test-app-key")
  vi.stubEnv("KIS_APP_SECRET", "test-app-secret")
  vi.stubEnv("KIS_ACCOUNT_NO", "00000000-01")
  vi.stubEnv("KIS_HTS_ID", "")
  vi.stubEnv("KIS_BASE_URL", "http://127.0.0.1:1")
  vi.stubEnv("KIS_WS_URL", "ws://127.0.0.1:1")
  vi.stubEnv("KIS_TOKEN_DIR", path.join(stateDir, "tokens"))
  vi.stubEnv("KIS_REQUESTS_PER_SECOND", "1000")
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  rmSync(stateDir, { recursive: true, force: true })
})

const live = (...args: Array<string>) =>
  cli(["node", "main.ts", "live", ...args, "--once", "--state", path.join(stateDir, "state.json")]).pipe(Effect.provide(NodeContext.layer))

/** The codes of data/universe.json, read here independently of the loader. */
const sampleCodes = (JSON.parse(readFileSync(path.join(DATA_DIR, "universe.json"), "utf8")) as Array<{ pdno: string }>).map((r) => r.pdno)

describe("live --env sim without a universe", () => {
  it.scopedLive("trades every symbol kis-sim serves by default and logs which", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim({}, sampleCodes.length)
      yield* clockTo(sim, "10:00")
      vi.stubEnv("KIS_BASE_URL", sim.url)
      vi.stubEnv("KIS_WS_URL", sim.wsUrl)
      vi.stubEnv("KIS_APP_KEY", "")
      vi.stubEnv("KIS_APP_SECRET", "")
      vi.stubEnv("KIS_ACCOUNT_NO", "") // kis-sim's demo account, the KIS_ENV=sim defaults
      expect(yield* live("graham", "--env", "sim")).toBe(0)
      expect(err).toEqual([])
      const universeLines = out.filter((l) => l.includes("no --symbols"))
      expect(universeLines).toHaveLength(1)
      expect(universeLines[0]).toContain(`trading the ${sampleCodes.length} symbols kis-sim serves by default (data/, ${sampleCodes[0]} … ${sampleCodes.at(-1)})`)
      expect(out.join("\n")).toMatch(new RegExp(`strategy +graham .* on ${sampleCodes.slice(0, 10).join(", ")} … ${sampleCodes.at(-1)} \\(${sampleCodes.length} symbols\\)`))
      expect(out.join("\n")).toMatch(/^recovery NEW: no saved state/m) // a fresh state file each test
      expect(out.join("\n")).toMatch(/^decided on 2024-02-29/m)
    }), { timeout: 60_000 })

  it.scopedLive("--symbols still names the universe, with no default", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim({}, 3)
      yield* clockTo(sim, "10:00")
      vi.stubEnv("KIS_BASE_URL", sim.url)
      vi.stubEnv("KIS_WS_URL", sim.wsUrl)
      vi.stubEnv("KIS_APP_KEY", "")
      vi.stubEnv("KIS_APP_SECRET", "")
      vi.stubEnv("KIS_ACCOUNT_NO", "")
      expect(yield* live("graham", "--env", "sim", "--symbols", "SYN002,SYN003")).toBe(0)
      expect(out.some((l) => l.includes("no --symbols"))).toBe(false)
      expect(out.join("\n")).toMatch(/strategy +graham .* on SYN002, SYN003; decides/)
    }), { timeout: 60_000 })
})

describe("live on a KIS account without a universe", () => {
  it.effect.each(["mock", "real"])("--env %s refuses with one line and exit code 2, before connecting", (env) =>
    Effect.gen(function* () {
      expect(yield* live("graham", "--env", env, ...(env === "real" ? ["--confirm-real-money"] : []))).toBe(2)
      expect(out).toEqual([])
      expect(err).toEqual(["error: this strategy has no fixed universe: name the symbols with --symbols 005930,000660"])
    }), 20_000)
})
