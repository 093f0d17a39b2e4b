// Text for people: the recovery report and a state file's positions, open orders, P&L and last reconciliation.
// Pure formatting shared by `live` (on start and with --once) and `status`.
import { isTerminal } from "../domain/Order.js"
import { formatCount, formatWon } from "../risk/RiskRejection.js"
import type { Correction, TradingState } from "../services/Store.js"
import { equityOf, unrealizedPnl } from "./ledger.js"
import type { RecoveryReport } from "./TradingEngine.js"

export const describeCorrection = (c: Correction): string => {
  switch (c._tag) {
    case "OrphanPosition":
      return `${c.ticker}: held at the broker (${formatCount(c.brokerQuantity)}) but not locally — adopted`
    case "MissingPosition":
      return `${c.ticker}: held locally (${formatCount(c.localQuantity)}) but not at the broker — removed`
    case "QuantityMismatch":
      return `${c.ticker}: ${formatCount(c.localQuantity)} shares locally, ${formatCount(c.brokerQuantity)} at the broker — set to the broker's`
    case "CashMismatch":
      return `cash ${formatWon(c.local)} locally, ${formatWon(c.broker)} at the broker — set to the broker's`
    case "OrderResolved":
      return `order ${c.id}: ${c.outcome}`
    case "SymbolBlocked":
      return `${c.ticker} BLOCKED for new orders: ${c.reason}`
  }
}

export const describeRecovery = (report: RecoveryReport): string => {
  switch (report._tag) {
    case "NEW":
      return [
        "recovery NEW: no saved state; starting from the broker's account as it stands",
        // the cash shows in the status below; positions and orders found at the broker are listed here
        ...report.corrections.filter((c) => c._tag !== "CashMismatch").map((c) => `  ${describeCorrection(c)}`),
        ...report.notes.map((n) => `  note: ${n}`)
      ].join("\n")
    case "CLEAN":
      return ["recovery CLEAN: local state equals the broker's", ...report.notes.map((n) => `  note: ${n}`)].join("\n")
    case "RECONCILED":
      return [
        `recovery RECONCILED: ${report.corrections.length} correction(s) to match the broker`,
        ...report.setAside.map((s) => `  ${s.file} was unreadable (${s.reason}); kept as ${s.movedTo}; rebuilt from the broker`),
        ...report.corrections.map((c) => `  ${describeCorrection(c)}`),
        ...report.notes.map((n) => `  note: ${n}`)
      ].join("\n")
    case "FAILED":
      return `recovery FAILED: ${report.reason} — not trading`
  }
}

const pad = (s: string, n: number) => s.padEnd(n)
const padL = (s: string, n: number) => s.padStart(n)

/** Positions, open orders, P&L and the last reconciliation of a state. */
export const formatStatus = (state: TradingState): string => {
  const lines: Array<string> = []
  const unrealized = state.positions.reduce((s, p) => s + unrealizedPnl(p), 0)
  lines.push(`cash ${formatWon(state.cash)}   equity ${formatWon(equityOf(state))}   realized ${formatWon(state.realizedPnl)}   unrealized ${formatWon(Math.round(unrealized))}`)
  if (state.day !== undefined) {
    lines.push(`day ${state.day.tradeDate}: start equity ${formatWon(state.day.startOfDayEquity)}${state.day.lossLimitBreachedOn === undefined ? "" : "   DAILY LOSS LIMIT HIT: sells only"}`)
  }
  lines.push("", "positions")
  if (state.positions.length === 0) lines.push("  (none)")
  for (const p of state.positions) {
    const avg = p.quantity === 0 ? 0 : p.costBasis / p.quantity
    const exits = [p.exits?.stopLoss === undefined ? "" : `stop ${formatCount(p.exits.stopLoss)}`, p.exits?.takeProfit === undefined ? "" : `take ${formatCount(p.exits.takeProfit)}`].filter((x) => x !== "").join(" ")
    lines.push(`  ${pad(p.ticker, 7)}${padL(formatCount(p.quantity), 8)} @ ${padL(formatCount(Math.round(avg)), 9)}  last ${padL(p.lastPrice === undefined ? "-" : formatCount(p.lastPrice), 9)}  P&L ${padL(formatCount(Math.round(unrealizedPnl(p))), 11)}  ${exits}`)
  }
  const open = state.orders.filter((o) => !isTerminal(o.order.state))
  lines.push("", "open orders")
  if (open.length === 0) lines.push("  (none)")
  for (const o of open) {
    const i = o.order.intent
    lines.push(`  ${o.order.id}  ${i.side} ${formatCount(i.quantity)} ${i.ticker} ${i.type._tag === "limit" ? `@ ${formatCount(i.type.price)}` : i.type._tag}  ${o.order.state}  filled ${formatCount(o.order.filledQuantity)}  broker #${o.chain.map((l) => l.brokerOrderId).join(" → ") || "?"}`)
  }
  if (state.blocked.length > 0) {
    lines.push("", "blocked symbols")
    for (const b of state.blocked) lines.push(`  ${b.ticker}: ${b.reason}`)
  }
  const r = state.lastReconciliation
  lines.push("", r === undefined
    ? "never reconciled"
    : `last reconciliation ${new Date(r.at).toISOString()}: ${r.corrections.length === 0 ? "no differences" : `${r.corrections.length} correction(s)`} (${state.counters.reconciliations} runs, ${state.counters.corrections} corrections in total)`)
  if (r !== undefined) for (const c of r.corrections) lines.push(`  ${describeCorrection(c)}`)
  const restarts = Object.entries(state.counters.fiberRestarts ?? {}).filter(([, n]) => n > 0)
  if (restarts.length > 0) lines.push(`background fibers restarted after crashes: ${restarts.map(([name, n]) => `${name} ×${n}`).join(", ")}`)
  return lines.join("\n")
}
