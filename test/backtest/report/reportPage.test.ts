// Opens a generated report.html in headless Chromium: no console or page errors, no network request, no
// injected script ran, and every chart's canvas really holds the series colours (not just a blank grid).
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { writeReport } from "../../../src/backtest/report/writeReport.js"
import { syntheticRun } from "./syntheticRun.js"

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium"
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

/** Colours report.js draws with, by chart: each must appear on that chart's canvases. */
const STRATEGY = "#5b3fd0", BENCHMARK = "#9aa1a9", UP = "#d9363e", DOWN = "#1c6dd0", BUY = "#e8590c"
const STAGE_FIRST = "#0c8599", MOMENTUM = "#2f9e44"
const EXPECTED_COLOURS: Record<string, ReadonlyArray<string>> = {
  "equity": [STRATEGY, BENCHMARK],
  "drawdown": [DOWN],
  "symbol 0": [UP, DOWN, BUY, STAGE_FIRST, MOMENTUM],
  "symbol 1": [UP, DOWN, BUY],
  "symbol 2": [UP, DOWN, BUY]
}

interface CanvasReport {
  readonly chart: string
  readonly canvases: number
  readonly distinctColours: number
  readonly missing: ReadonlyArray<string>
}

/** Runs in the page: per visible chart, distinct opaque colours over its canvases and which expected ones are absent. */
const inspectCharts = (expected: Record<string, ReadonlyArray<string>>): string => `(() => {
  const expected = ${JSON.stringify(expected)};
  const near = (rgb, hex) => {
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return want.every((w, i) => Math.abs(w - ((rgb >> (16 - 8 * i)) & 255)) <= 3);
  };
  return [...document.querySelectorAll("[data-chart]")].filter((el) => el.offsetParent !== null).map((el) => {
    const name = el.dataset.chart === "symbol" ? "symbol " + el.dataset.index : el.dataset.chart;
    const colours = new Set();
    const canvases = [...el.querySelectorAll("canvas")].filter((c) => c.width > 0 && c.height > 0);
    for (const canvas of canvases) {
      const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] === 255) colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
      }
    }
    const all = [...colours];
    const missing = (expected[name] || []).filter((hex) => !all.some((rgb) => near(rgb, hex)));
    return { chart: name, canvases: canvases.length, distinctColours: colours.size, missing };
  });
})()`

/**
 * Polls a page expression until it is truthy or the time is up. Page.waitForFunction is no use here: it
 * evaluates its predicate with eval inside the page, which the report's CSP rightly forbids.
 */
const pollPage = async (page: Page, expression: string, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await page.evaluate(expression)) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}

describe("report.html in headless Chromium", () => {
  let browser: Browser | undefined
  let page: Page
  let dir: string
  const consoleErrors: Array<string> = []
  const requests: Array<string> = []

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}. Install it (Debian/Ubuntu: apt-get install -y chromium) ` +
        `or point CHROMIUM_PATH at a Chromium binary; CI installs it, so this test never skips.`)
    }
    dir = mkdtempSync(path.join(tmpdir(), "report-page-"))
    const { result, dataSet } = syntheticRun()
    await Effect.runPromise(writeReport(result, dataSet, dir).pipe(Effect.provide(NodeContext.layer)))
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()) })
    page.on("pageerror", (e) => consoleErrors.push(`page error: ${e.message}`))
    page.on("request", (r) => requests.push(r.url()))
    await page.goto(`file://${path.join(dir, "report.html")}`)
    // Charts paint on animation frames: wait until every expected colour is on screen (or give up and let the
    // assertions report what is missing).
    await pollPage(page, `document.documentElement.dataset.charts !== undefined && ${inspectCharts(EXPECTED_COLOURS)}.every((c) => c.missing.length === 0)`, 15_000)
  })

  afterAll(async () => {
    await browser?.close()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  it("loads without console errors, page errors or network requests, and no injected script ran", async () => {
    expect(consoleErrors).toEqual([])
    expect(requests.filter((url) => !url.startsWith("file://") && !url.startsWith("data:"))).toEqual([])
    expect(await page.title()).toBe("reflexivity · backtest 2024-01-02 → 2024-07-01")
    expect(await page.evaluate("document.querySelectorAll('img').length")).toBe(0)
  })

  it("draws every chart: non-blank canvases holding each series colour", async () => {
    expect(await page.evaluate("document.documentElement.dataset.charts")).toBe("5")
    const charts = (await page.evaluate(inspectCharts(EXPECTED_COLOURS))) as ReadonlyArray<CanvasReport>
    expect(charts.map((c) => c.chart)).toEqual(Object.keys(EXPECTED_COLOURS))
    for (const chart of charts) {
      expect(chart.canvases, chart.chart).toBeGreaterThan(0)
      expect(chart.distinctColours, chart.chart).toBeGreaterThan(1)
      expect(chart.missing, chart.chart).toEqual([])
    }
  })

  it("labels the annotation legend with the escaped category names as text", async () => {
    const legend = String(await page.evaluate("document.querySelector('[data-legend=\"0\"]').textContent"))
    expect(legend).toContain("태동 (inception)")
    expect(legend).toContain("</script><script>document.title='pwned'</script>")
  })
})
