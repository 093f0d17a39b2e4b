// kis-sim's control endpoints under /sim/admin (not part of KIS): read the state, move the market clock exactly, set
// faults and gateway limits, drop WebSocket sessions, expire tokens. JSON in, JSON out; for tests and operators.
import { HashMap } from "effect"
import { KRX_CALENDAR } from "../domain/krx/calendar.js"
import { phaseAt } from "../domain/krx/sessions.js"
import { type Instant, KST_OFFSET_MS, kstDateOf } from "../domain/Time.js"
import { parseDuration } from "./clock.js"
import { applyFaults, decodeFaultsPatch, noFaults } from "./faults.js"
import type { RealtimeHub } from "./realtime.js"
import type { SimCore } from "./rest.js"

export interface AdminContext {
  readonly core: SimCore
  readonly hub: RealtimeHub
  /** Market ms per wall ms; 0 = the clock moves only through /sim/admin/clock. */
  speed: number
}

export interface AdminReply {
  readonly status: number
  readonly body: unknown
}

/** An instant as KST ISO-8601 with offset, e.g. 2024-03-04T09:30:00+09:00. */
export const kstIso = (t: number): string => new Date(t + KST_OFFSET_MS).toISOString().slice(0, 19) + "+09:00"

const state = (ctx: AdminContext) => {
  const ex = ctx.core.ex
  return {
    now: kstIso(ex.now),
    today: ex.today,
    phase: phaseAt(ex.now as Instant, KRX_CALENDAR),
    speed: ctx.speed,
    profile: ctx.core.profile,
    data: { first: ex.market.firstDate, last: ex.market.lastDate, symbols: ex.market.tickers.length },
    realtimeSessions: ctx.hub.sessionCount,
    realtimeRegistrations: ctx.hub.registrations,
    faults: ctx.core.faults,
    limits: ctx.core.gateway.settings,
    accounts: [...ex.accounts.values()].map((a) => ({
      accountNo: `${a.cano}-${a.productCode}`,
      htsId: a.spec.htsId,
      cash: a.book.cash,
      availableCash: ex.availableCash(a),
      positions: [...HashMap.values(a.book.positions)].map((p) => ({ ticker: p.ticker, quantity: p.quantity, costBasis: p.costBasis })),
      openOrders: ex.openOrdersOf(a).length
    })),
    orders: ex.orders.length,
    fills: ex.fills.length
  }
}

const bad = (problem: string): AdminReply => ({ status: 400, body: { error: problem } })

const clock = (ctx: AdminContext, body: Record<string, unknown>): AdminReply => {
  const ex = ctx.core.ex
  if (body["speed"] !== undefined) {
    const s = body["speed"]
    if (typeof s !== "number" || !(s >= 0)) return bad("speed must be a number ≥ 0 (0 = manual clock)")
    ctx.speed = s
  }
  let target: number | undefined
  if (body["to"] !== undefined) {
    target = typeof body["to"] === "string" ? Date.parse(body["to"]) : Number.NaN
    if (!Number.isFinite(target)) return bad(`to must be an ISO-8601 instant like 2024-03-04T09:30:00+09:00`)
  } else if (body["advance"] !== undefined) {
    const d = parseDuration(body["advance"])
    if (d === undefined) return bad(`advance must be a duration like "90s", "30m", "2h", "1d" or milliseconds`)
    target = ex.now + d
  }
  if (target !== undefined) {
    if (target < ex.now) return bad(`the clock only moves forward (now ${kstIso(ex.now)})`)
    if (kstDateOf(target) > ex.market.lastDate) return bad(`the data ends on ${ex.market.lastDate}`)
    ex.advanceTo(target as Instant)
  }
  return { status: 200, body: state(ctx) }
}

/** Handles /sim/admin/*; undefined for other paths. */
export const answerAdmin = (ctx: AdminContext, method: string, path: string, body: unknown): AdminReply | undefined => {
  if (!path.startsWith("/sim/admin")) return undefined
  const obj = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
  const route = `${method} ${path.replace(/\/+$/, "")}`
  switch (route) {
    case "GET /sim/admin/state":
      return { status: 200, body: state(ctx) }
    case "POST /sim/admin/clock":
      return clock(ctx, obj)
    case "GET /sim/admin/faults":
      return { status: 200, body: ctx.core.faults }
    case "POST /sim/admin/faults": {
      const patch = decodeFaultsPatch(obj)
      if (patch._tag === "Left") return bad(patch.left)
      applyFaults(ctx.core.faults, patch.right)
      return { status: 200, body: ctx.core.faults }
    }
    case "DELETE /sim/admin/faults":
      applyFaults(ctx.core.faults, noFaults())
      return { status: 200, body: ctx.core.faults }
    case "POST /sim/admin/ws/terminate":
      return { status: 200, body: { terminated: ctx.hub.terminateAll() } }
    case "POST /sim/admin/tokens/expire":
      ctx.core.gateway.expireAll(Date.now())
      return { status: 200, body: { expired: true } }
    case "POST /sim/admin/limits": {
      const rps = obj["requestsPerSecond"]
      if (rps !== undefined && rps !== null && (typeof rps !== "number" || !(rps > 0))) return bad("requestsPerSecond must be > 0, or null to lift the limit")
      const issue = obj["tokenIssueLimit"]
      if (issue !== undefined && typeof issue !== "boolean") return bad("tokenIssueLimit must be true or false")
      if (rps !== undefined) ctx.core.gateway.settings.requestsPerSecond = rps === null ? undefined : rps
      if (issue !== undefined) ctx.core.gateway.settings.tokenIssueLimit = issue
      return { status: 200, body: ctx.core.gateway.settings }
    }
    default:
      return { status: 404, body: { error: `unknown admin endpoint ${route}` } }
  }
}
