// The end-of-run summary printed to the terminal: a header line and the metric sections as aligned
// label/value rows (values right-aligned, widths measured in terminal columns so Korean names line up).
import type { BacktestResult } from "../BacktestResult.js"
import type { Metrics } from "../metrics.js"
import { displayWidth, formatCount, formatQuantity } from "./format.js"
import { metricSections } from "./metricSections.js"

const padEnd = (text: string, width: number): string => text + " ".repeat(Math.max(0, width - displayWidth(text)))
const padStart = (text: string, width: number): string => " ".repeat(Math.max(0, width - displayWidth(text))) + text

export const formatSummaryTable = (metrics: Metrics, result: BacktestResult): string => {
  const { settings } = result
  const sections = metricSections(metrics)
  const rows = sections.flatMap((s) => s.rows)
  const labelWidth = Math.max(...rows.map(([label]) => displayWidth(label)))
  const valueWidth = Math.max(...rows.map(([, value]) => displayWidth(value)))
  const period = metrics.startDate === null ? "no trading days" : `${metrics.startDate} → ${metrics.endDate} (${formatQuantity(metrics.tradingDays, "trading day")})`
  const header = [`Backtest  ${settings.strategy}`, `Period    ${period}`, `Symbols   ${formatCount(settings.symbols.length)}   Data  ${settings.dataSource}`]
  const rule = "─".repeat(Math.max(2 + labelWidth + 3 + valueWidth, ...header.map(displayWidth)))
  const body = sections.flatMap((section) => [
    "",
    section.title,
    ...section.rows.map(([label, value]) => `  ${padEnd(label, labelWidth)}   ${padStart(value, valueWidth)}`)
  ])
  return [rule, ...header, rule, ...body.slice(1), rule].join("\n")
}
