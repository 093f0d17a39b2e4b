// The metrics as labelled, formatted rows grouped into sections: one definition that both the terminal
// summary and the HTML report render, so the two always show the same figures the same way.
import type { DrawdownEpisode, Metrics } from "../metrics.js"
import { formatCount, formatPct, formatRatio, formatSignedPct, formatWon, NOT_AVAILABLE } from "./format.js"

export interface MetricSection {
  readonly title: string
  readonly rows: ReadonlyArray<readonly [label: string, value: string]>
}

const drawdownLength = (dd: DrawdownEpisode): string =>
  `${formatCount(dd.durationTradingDays)} trading / ${formatCount(dd.durationCalendarDays)} calendar days${dd.recoveryDate === null ? " so far" : ""}`

export const metricSections = (m: Metrics): ReadonlyArray<MetricSection> => [
  {
    title: "Returns",
    rows: [
      ["Initial cash", formatWon(m.initialCash)],
      ["Final equity", formatWon(m.finalEquity)],
      ["Total return", formatSignedPct(m.totalReturn)],
      ["CAGR", formatSignedPct(m.cagr)],
      ["Benchmark return", formatSignedPct(m.benchmarkReturn)],
      ["Benchmark CAGR", formatSignedPct(m.benchmarkCagr)],
      ["Alpha (annual)", formatSignedPct(m.alpha)],
      ["Beta", formatRatio(m.beta)]
    ]
  },
  {
    title: "Risk",
    rows: [
      ["Volatility (annual)", formatPct(m.annualVolatility, 2)],
      ["Sharpe", formatRatio(m.sharpe)],
      ["Sortino", formatRatio(m.sortino)],
      ["Max drawdown", m.maxDrawdown === null ? formatSignedPct(0) : formatSignedPct(-m.maxDrawdown.depth)],
      ["Drawdown peak → trough", m.maxDrawdown === null ? NOT_AVAILABLE : `${m.maxDrawdown.peakDate} → ${m.maxDrawdown.troughDate}`],
      ["Drawdown recovered", m.maxDrawdown === null ? NOT_AVAILABLE : m.maxDrawdown.recoveryDate ?? "not yet"],
      ["Drawdown length", m.maxDrawdown === null ? NOT_AVAILABLE : drawdownLength(m.maxDrawdown)],
      ["Calmar", formatRatio(m.calmar)],
      ["Risk-free rate", formatPct(m.riskFreeRate, 2)]
    ]
  },
  {
    title: "Trades",
    rows: [
      ["Closed trades", formatCount(m.closedTrades)],
      ["Open at end", formatCount(m.openTrades)],
      ["Win rate", formatPct(m.winRate)],
      ["Profit factor", formatRatio(m.profitFactor)],
      ["Expectancy / trade", formatWon(m.expectancy)],
      ["SQN", formatRatio(m.sqn)],
      ["Avg holding (days)", formatRatio(m.averageHoldingDays, 1)]
    ]
  },
  {
    title: "Activity and costs",
    rows: [
      ["Orders / fills", `${formatCount(m.orders)} / ${formatCount(m.fills)}`],
      ["Exposure (average)", formatPct(m.exposure)],
      ["Turnover (annual)", m.turnover === null ? NOT_AVAILABLE : `${formatRatio(m.turnover)}×`],
      ["Traded notional", formatWon(m.tradedNotional)],
      ["Commissions", formatWon(m.commissions)],
      ["Taxes", formatWon(m.taxes)]
    ]
  }
]
