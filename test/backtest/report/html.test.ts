// The report page: nothing from the data can inject markup or script, the embedded JSON is inert, and the
// CSP admits exactly the inlined scripts (by hash) and no network.
import { createHash } from "node:crypto"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { computeMetrics, monthlyReturns } from "../../../src/backtest/metrics.js"
import { buildChartData } from "../../../src/backtest/report/chartData.js"
import { escapeHtml, jsonForScript, renderReportHtml } from "../../../src/backtest/report/html.js"
import { HOSTILE_NAME, HOSTILE_STAGE, syntheticRun } from "./syntheticRun.js"

const render = (chartLibrary = "window.LightweightCharts = {}; // '</script>' inside a string") => {
  const { result, dataSet } = syntheticRun()
  const metrics = computeMetrics(result)
  return renderReportHtml({
    result, metrics, monthly: monthlyReturns(result), charts: buildChartData(result, dataSet),
    dataWarnings: dataSet.warnings, names: new Map(dataSet.symbols.map((s) => [s.ticker, s.name])),
    chartLibrary, pageScript: "document.title = document.title;", pageStyle: "body { color: red } /* </style> */",
    maxTradeRows: 4, maxWarningRows: 1
  })
}

const scriptBodies = (html: string): Array<{ attrs: string; body: string }> =>
  [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1]!, body: m[2]! }))

describe("renderReportHtml", () => {
  const html = render()

  it("has exactly three script elements: the inert data, the library and the page script", () => {
    const scripts = scriptBodies(html)
    expect(scripts.map((s) => s.attrs)).toEqual([' type="application/json" id="report-data"', "", ""])
    expect(html.match(/<script/gi)?.length).toBe(3)
    expect(html.match(/<\/style/gi)?.length).toBe(1)
  })

  it("escapes hostile names, annotations, params and warnings everywhere", () => {
    expect(html).not.toContain(HOSTILE_NAME)
    expect(html).not.toContain("<img")
    expect(html).not.toContain("<b>not bold</b>")
    expect(html).toContain(escapeHtml(HOSTILE_NAME))
    expect(html).toContain("zero volume &lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;")
    const data = JSON.parse(scriptBodies(html)[0]!.body)
    expect(data.symbols[0].annotations[0].categories).toContain(HOSTILE_STAGE)
    expect(data.symbols.map((s: { name: string }) => s.name)).toContain(HOSTILE_NAME)
  })

  it("the CSP allows only the hashes of the two inline scripts and no network", () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? ""
    const hashes = scriptBodies(html).slice(1).map((s) => `'sha256-${createHash("sha256").update(s.body).digest("base64")}'`)
    expect(csp).toBe(`default-src 'none'; script-src ${hashes.join(" ")}; style-src 'unsafe-inline'; img-src data:`)
  })

  it("caps the trade list and the warnings with a pointer to the full files", () => {
    expect(html.match(/<tr( class="open")?><td class="text">/g)?.length).toBe(4)
    expect(html).toContain("Showing the first 4 of 6; every trade is in trades.csv.")
    expect(html).toContain("… and 1 more.")
  })

  it("shows the monthly table with yearly totals and the Korean names", () => {
    expect(html).toContain("<th>2024</th>")
    expect(html).toContain("삼성전자 <span class=\"code\">005930</span>")
    expect(html).toMatch(/<td class="total (up|down)\d">[+-]\d+\.\d%<\/td>/)
  })
})

describe("jsonForScript", () => {
  test.prop([fc.string({ unit: "binary" })])("any string stays data: no tag, comment or line separator escapes", (text) => {
    const json = jsonForScript({ text })
    expect(json).not.toMatch(/[<>&\u2028\u2029]/)
    expect(JSON.parse(json)).toEqual({ text })
  })
})
