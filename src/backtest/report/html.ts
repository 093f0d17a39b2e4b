// The self-contained report page: tables rendered here with every piece of text HTML-escaped, the chart
// data embedded as inert JSON, and the chart library and page script inlined, so it opens offline. A CSP
// that only admits those exact scripts (by hash) and forbids every network fetch backs the escaping.
import { createHash } from "node:crypto"
import type { BacktestResult } from "../BacktestResult.js"
import type { DataWarning } from "../data/DataSet.js"
import type { Metrics, MonthlyReturnsRow } from "../metrics.js"
import type { ChartData } from "./chartData.js"
import { formatCount, formatPct, formatQuantity, formatRatio, formatSignedPct, formatWon } from "./format.js"
import { metricSections } from "./metricSections.js"

export interface ReportPageInput {
  readonly result: BacktestResult
  readonly metrics: Metrics
  readonly monthly: ReadonlyArray<MonthlyReturnsRow>
  readonly charts: ChartData
  readonly dataWarnings: ReadonlyArray<DataWarning>
  /** Symbol names by code, from the data set. */
  readonly names: ReadonlyMap<string, string>
  /** Source text of the lightweight-charts standalone build. */
  readonly chartLibrary: string
  readonly pageScript: string
  readonly pageStyle: string
  readonly maxTradeRows: number
  readonly maxWarningRows: number
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)

/** JSON that cannot end its <script> element or open a comment, whatever strings it holds. */
export const jsonForScript = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029")

/** Script or style source made safe to inline: a closing tag inside it would end the element early. */
const inlineSafe = (source: string, tag: "script" | "style"): string =>
  source.replace(new RegExp(`</${tag}`, "gi"), `<\\/${tag}`)

const sha256 = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`

const signClass = (x: number | null): string => (x === null || x === 0 ? "" : x > 0 ? "up" : "down")

/** Monthly cells shade with the size of the move: 0–1 %, 1–3 %, 3–6 %, above. */
const monthClass = (r: number): string => {
  const level = Math.abs(r) < 0.01 ? 1 : Math.abs(r) < 0.03 ? 2 : Math.abs(r) < 0.06 ? 3 : 4
  return r === 0 ? "" : `${r > 0 ? "up" : "down"}${level}`
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

const row = (cells: ReadonlyArray<string>, tag: "td" | "th" = "td"): string => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`

const table = (className: string, head: ReadonlyArray<string>, rows: ReadonlyArray<string>): string =>
  `<table class="${className}"><thead>${row(head.map(escapeHtml), "th")}</thead><tbody>${rows.join("")}</tbody></table>`

const section = (id: string, title: string, body: string, note = ""): string =>
  `<section class="card" id="${id}"><div class="card-head"><h2>${escapeHtml(title)}</h2>${note === "" ? "" : `<p class="note">${note}</p>`}</div>${body}</section>`

const kpi = (label: string, value: string, tone: string): string =>
  `<div class="kpi"><div class="kpi-label">${escapeHtml(label)}</div><div class="kpi-value ${tone}">${escapeHtml(value)}</div></div>`

const kpis = (m: Metrics): string => `<div class="kpis">${[
  kpi("Total return", formatSignedPct(m.totalReturn), signClass(m.totalReturn)),
  kpi("CAGR", formatSignedPct(m.cagr), signClass(m.cagr)),
  kpi("Benchmark", formatSignedPct(m.benchmarkReturn), signClass(m.benchmarkReturn)),
  kpi("Max drawdown", formatSignedPct(m.maxDrawdown === null ? 0 : -m.maxDrawdown.depth), m.maxDrawdown === null ? "" : "down"),
  kpi("Sharpe", formatRatio(m.sharpe), ""),
  kpi("Win rate", formatPct(m.winRate), ""),
  kpi("Trades", formatCount(m.closedTrades), ""),
  kpi("Final equity", formatWon(m.finalEquity), "")
].join("")}</div>`

const monthlyTable = (rows: ReadonlyArray<MonthlyReturnsRow>): string =>
  rows.length === 0
    ? `<p class="empty">No equity points.</p>`
    : table("monthly", ["Year", ...MONTHS, "Total"], rows.map((r) =>
      `<tr><th>${r.year}</th>${r.months.map((x) => x === null ? `<td class="none"></td>` : `<td class="${monthClass(x)}">${formatSignedPct(x, 1)}</td>`).join("")}<td class="total ${monthClass(r.total)}">${formatSignedPct(r.total, 1)}</td></tr>`))

const metricsGrid = (m: Metrics): string =>
  `<div class="metric-grid">${metricSections(m).map((s) =>
    `<table class="metrics"><caption>${escapeHtml(s.title)}</caption><tbody>${s.rows.map(([label, value]) =>
      `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join("")}</tbody></table>`).join("")}</div>`

const symbolLabel = (ticker: string, name: string | undefined): string =>
  name === undefined || name === "" ? escapeHtml(ticker) : `${escapeHtml(name)} <span class="code">${escapeHtml(ticker)}</span>`

const symbolCharts = (charts: ChartData): string =>
  charts.symbols.length === 0
    ? `<p class="empty">No symbol traded.</p>`
    : charts.symbols.map((s, i) => `<figure class="symbol">
<figcaption><span class="symbol-name">${symbolLabel(s.ticker, s.name)}</span>
<span class="symbol-meta">${formatQuantity(s.fillCount, "fill")}${s.barsPerCandle > 1 ? ` · ${s.barsPerCandle} trading days per candle` : ""}${s.candles.length === 0 ? " · no price data" : ""}</span></figcaption>
<div class="chart" data-chart="symbol" data-index="${i}"></div><div class="legend" data-legend="${i}"></div></figure>`).join("\n")

const tradesTable = (result: BacktestResult, names: ReadonlyMap<string, string>, maxRows: number): string => {
  if (result.trades.length === 0) return `<p class="empty">No trades.</p>`
  const rows = result.trades.slice(0, maxRows).map((t) => {
    const cost = t.entryPrice * t.quantity
    const netReturn = cost > 0 ? t.pnl / cost : null
    const open = t.exitDate === undefined
    return `<tr${open ? ` class="open"` : ""}><td class="text">${symbolLabel(t.ticker, names.get(t.ticker))}</td><td>${escapeHtml(t.entryDate)}</td><td>${formatWon(t.entryPrice)}</td>` +
      `<td>${open ? "open" : escapeHtml(t.exitDate)}</td><td>${t.exitPrice === undefined ? "" : formatWon(t.exitPrice)}</td>` +
      `<td>${formatCount(t.quantity)}</td><td class="${signClass(t.pnl)}">${formatWon(t.pnl)}</td>` +
      `<td class="${signClass(netReturn)}">${formatSignedPct(netReturn)}</td><td>${formatCount(t.holdingDays)}</td></tr>`
  })
  return `<div class="scroll">${table("trades", ["Symbol", "Entry", "Entry price", "Exit", "Exit price", "Qty", "Net P&L", "Net return", "Days"], rows)}</div>`
}

const settingsTable = (result: BacktestResult, m: Metrics): string => {
  const s = result.settings
  const shown = s.symbols.slice(0, 60).join(", ")
  const entries: Array<readonly [string, string]> = [
    ["Strategy", s.strategy],
    ["Period", `${s.from} → ${s.to}`],
    ["Initial cash", formatWon(s.initialCash)],
    ["Symbols", s.symbols.length > 60 ? `${shown} … (+${formatCount(s.symbols.length - 60)} more)` : shown],
    ["Data source", s.dataSource],
    ["Risk-free rate", formatPct(m.riskFreeRate, 2)],
    ["Annualization", "252 trading days per year"],
    ...Object.entries(s.params).map(([k, v]) => [`param: ${k}`, JSON.stringify(v) ?? String(v)] as const),
    ...Object.entries(s.assumptions).map(([k, v]) => [k, String(v)] as const)
  ]
  return `<table class="kv"><tbody>${entries.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("")}</tbody></table>`
}

const warningsBlock = (result: BacktestResult, dataWarnings: ReadonlyArray<DataWarning>, maxRows: number): string => {
  if (result.warnings.length === 0 && dataWarnings.length === 0) return `<p class="empty">No data warnings.</p>`
  const byKind = new Map<string, number>()
  for (const w of dataWarnings) byKind.set(w.kind, (byKind.get(w.kind) ?? 0) + 1)
  const kinds = byKind.size === 0 ? "" : `<p class="chips">${[...byKind.entries()].map(([k, n]) =>
    `<span class="chip">${escapeHtml(k)} <b>${formatCount(n)}</b></span>`).join("")}</p>`
  const items = result.warnings.slice(0, maxRows).map((w) => `<li>${escapeHtml(w)}</li>`).join("")
  const more = result.warnings.length > maxRows ? `<p class="note">… and ${formatCount(result.warnings.length - maxRows)} more.</p>` : ""
  return `${kinds}${items === "" ? "" : `<ul class="warnings">${items}</ul>`}${more}`
}

export const renderReportHtml = (input: ReportPageInput): string => {
  const { result, metrics: m, charts, names } = input
  const s = result.settings
  const library = inlineSafe(input.chartLibrary, "script")
  const script = inlineSafe(input.pageScript, "script")
  const csp = `default-src 'none'; script-src ${sha256(library)} ${sha256(script)}; style-src 'unsafe-inline'; img-src data:`
  const period = m.startDate === null ? "no trading days" : `${m.startDate} → ${m.endDate} · ${formatQuantity(m.tradingDays, "trading day")}`
  const tradeNote = result.trades.length > input.maxTradeRows
    ? `Showing the first ${formatCount(input.maxTradeRows)} of ${formatCount(result.trades.length)}; every trade is in trades.csv.` : ""
  const symbolNote = charts.symbolsOmitted > 0
    ? `The ${formatCount(charts.symbols.length)} most traded symbols; ${formatCount(charts.symbolsOmitted)} more are in trades.csv and fills.csv.`
    : "Candles: red up, blue down. Markers: fills (B buy, S sell) with quantity."
  return `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(s.strategy)} · backtest ${escapeHtml(s.from)} → ${escapeHtml(s.to)}</title>
<style>${inlineSafe(input.pageStyle, "style")}</style>
</head>
<body>
<header class="page-head">
<div class="eyebrow">Backtest report</div>
<h1>${escapeHtml(s.strategy)}</h1>
<p class="sub">${escapeHtml(period)} · ${formatCount(s.symbols.length)} symbols · initial ${formatWon(s.initialCash)} · data ${escapeHtml(s.dataSource)}</p>
</header>
<main>
${kpis(m)}
${section("equity", "Equity vs benchmark", `<div class="legend static"><span><span class="swatch strategy"></span>Strategy</span>${charts.benchmark === null ? "" : `<span><span class="swatch benchmark"></span>Benchmark</span>`}</div><div class="chart" data-chart="equity"></div>`)}
${section("drawdown", "Drawdown", `<div class="chart short" data-chart="drawdown"></div>`)}
${section("monthly", "Monthly returns", `<div class="scroll">${monthlyTable(input.monthly)}</div>`)}
${section("metrics", "Metrics", metricsGrid(m))}
${section("symbols", "Symbols", symbolCharts(charts), escapeHtml(symbolNote))}
${section("trades", "Trades", tradesTable(result, names, input.maxTradeRows), escapeHtml(tradeNote))}
${section("settings", "Settings and assumptions", settingsTable(result, m))}
${section("warnings", "Data warnings", warningsBlock(result, input.dataWarnings, input.maxWarningRows))}
</main>
<footer>Charts drawn with TradingView Lightweight Charts™ (Apache-2.0), inlined so this file works offline.</footer>
<script type="application/json" id="report-data">${jsonForScript(charts)}</script>
<script>${library}</script>
<script>${script}</script>
</body>
</html>
`
}
