// kis-sim's realtime WebSocket (any path): approval-key check, one session per app key (OPSP8996), 41 registrations
// (OPSP0008), H0STCNT0 trade frames from the replayed path, encrypted H0STCNI0/H0STCNI9 order and fill notices in the
// documented 26-field layout, and PINGPONG keep-alives. Frame formatting reuses src/kis/realtime.
import type { IncomingMessage } from "node:http"
import type { Duplex } from "node:stream"
import WebSocket, { WebSocketServer } from "ws"
import { tickSize } from "../domain/krx/tick.js"
import { type Instant, kstDateOf, kstTimeOf, toKisDate } from "../domain/Time.js"
import { FILL_NOTICE_FIELDS, TRADE_FIELDS } from "../kis/realtime/fields.js"
import { formatDataFrame, formatPingPong, formatSessionError, OpspMessages } from "../kis/realtime/frames.js"
import { type NoticeCipher, randomNoticeCipher } from "../kis/realtime/noticeCipher.js"
import type { OrderNotice, KisSimExchange } from "./exchange.js"
import type { Faults } from "./faults.js"
import type { Gateway } from "./gateway.js"
import type { Profile } from "./messages.js"
import { branchOf } from "./responses/account.js"
import { changeSign, dec, pct } from "./responses/reply.js"

export const MAX_REGISTRATIONS = 41
export const TRADE_TR = "H0STCNT0"
export const noticeTrOf = (profile: Profile): string => (profile === "real" ? "H0STCNI0" : "H0STCNI9")

interface Session {
  readonly socket: WebSocket
  appKey: string | undefined
  readonly registrations: Map<string, { readonly trId: string; readonly trKey: string }>
  noticeCipher: NoticeCipher | undefined
}

/** Ack of one registration. Success acks carry key/iv (KIS sends them even for plain TRs); encrypted TRs say encrypt "Y". */
const ackFrame = (trId: string, trKey: string, code: keyof typeof OpspMessages | "OPSP8997", cipher?: NoticeCipher, encrypted = false): string => {
  const ok = code === "OPSP0000" || code === "OPSP0001" || code === "OPSP0002"
  return JSON.stringify({
    header: { tr_id: trId, tr_key: trKey, encrypt: encrypted ? "Y" : "N" },
    body: {
      rt_cd: ok ? "0" : "1",
      msg_cd: code,
      msg1: code === "OPSP8997" ? "invalid tr_type" : OpspMessages[code],
      ...(cipher === undefined ? {} : { output: { iv: cipher.iv, key: cipher.key } })
    }
  })
}

const pad = (n: number, width: number): string => String(Math.max(0, Math.round(n))).padStart(width, "0")

/** The documented 26-field H0STCNI0 record of a notice. */
export const noticeRecord = (n: OrderNotice, profile: Profile, stockName: string): ReadonlyArray<string> => {
  const o = n.order
  const values: Record<(typeof FILL_NOTICE_FIELDS)[number], string> = {
    CUST_ID: n.account.spec.htsId, ACNT_NO: n.account.id, ODER_NO: o.odno, OODER_NO: o.originalOdno,
    SELN_BYOV_CLS: o.side === "sell" ? "01" : "02", RCTF_CLS: o.kind === "cancel" ? "2" : o.kind === "revise" ? "1" : "0",
    ODER_KIND: o.division, ODER_COND: o.division === "11" || o.division === "13" || o.division === "15" ? "1" : o.division === "12" || o.division === "14" || o.division === "16" ? "2" : "0",
    STCK_SHRN_ISCD: o.ticker, CNTG_QTY: pad(n.quantity, 10), CNTG_UNPR: pad(n.price, 9), STCK_CNTG_HOUR: n.time, RFUS_YN: "0",
    CNTG_YN: n.kind === "fill" ? "2" : "1", ACPT_YN: n.acceptance, BRNC_NO: branchOf(profile), ODER_QTY: pad(o.quantity, 9),
    ACNT_NAME: n.account.spec.name, ORD_COND_PRC: "", ORD_EXG_GB: "1", POPUP_YN: "N", FILLER: "", CRDT_CLS: "10", CRDT_LOAN_DATE: "",
    CNTG_ISNM40: stockName.replaceAll("^", " "), ODER_PRC: pad(o.price, 9)
  }
  return FILL_NOTICE_FIELDS.map((f) => values[f])
}

export class RealtimeHub {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  private readonly sessions = new Set<Session>()

  constructor(
    private readonly ex: KisSimExchange,
    private readonly gateway: Gateway,
    private readonly profile: Profile,
    private readonly faults: Faults,
    /** Sends `send` after `delayMs` (the server runs it on a supervised fiber). */
    private readonly later: (delayMs: number, send: () => void) => void
  ) {
    ex.onNotice((n) => this.deliverNotice(n))
    ex.onAdvance((from, to) => this.deliverTrades(from, to))
  }

  get sessionCount(): number {
    return this.sessions.size
  }

  /** Every registration of every session, as `trId|trKey` (what is being streamed to whom). */
  get registrations(): ReadonlyArray<string> {
    return [...this.sessions].flatMap((s) => [...s.registrations.keys()])
  }

  /** Takes over an HTTP upgrade on any path. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const session: Session = { socket: ws, appKey: undefined, registrations: new Map(), noticeCipher: undefined }
      this.sessions.add(session)
      ws.on("message", (data) => this.onText(session, data.toString()))
      ws.on("close", () => this.sessions.delete(session))
      ws.on("error", () => this.sessions.delete(session))
    })
  }

  /** Drops every session without a close frame: clients see code 1006. */
  terminateAll(): number {
    const n = this.sessions.size
    for (const s of this.sessions) s.socket.terminate()
    this.sessions.clear()
    return n
  }

  close(): void {
    this.terminateAll()
    this.wss.close()
  }

  /** Sends the PINGPONG keep-alive to every session. */
  ping(): void {
    const iso = new Date(this.ex.now + 9 * 3600_000).toISOString()
    const frame = formatPingPong(iso.slice(0, 10).replaceAll("-", "") + iso.slice(11, 19).replaceAll(":", ""))
    for (const s of this.sessions) this.send(s, frame)
  }

  private send(s: Session, text: string): void {
    if (s.socket.readyState === WebSocket.OPEN) s.socket.send(text)
  }

  private onText(s: Session, text: string): void {
    let msg: { header?: Record<string, unknown>; body?: { input?: Record<string, unknown> } }
    try {
      msg = JSON.parse(text) as typeof msg
    } catch {
      this.send(s, ackFrame("", "", "OPSP9999"))
      return
    }
    if (msg.header?.["tr_id"] === "PINGPONG") return // an echo of our keep-alive
    const approval = String(msg.header?.["approval_key"] ?? "")
    const trId = String(msg.body?.input?.["tr_id"] ?? "")
    const trKey = String(msg.body?.input?.["tr_key"] ?? "")
    const appKey = this.gateway.appKeyOfApproval(approval)
    if (appKey === undefined) {
      this.send(s, formatSessionError("OPSP0011"))
      return
    }
    const owner = [...this.sessions].find((o) => o !== s && o.appKey === appKey)
    if (owner !== undefined) {
      this.send(s, formatSessionError("OPSP8996"))
      return
    }
    s.appKey = appKey
    const account = this.ex.accountOfAppKey(appKey)!
    const key = `${trId}|${trKey}`
    const action = String(msg.header?.["tr_type"] ?? "")
    if (action === "2") {
      this.send(s, ackFrame(trId, trKey, s.registrations.delete(key) ? "OPSP0001" : "OPSP0003"))
      return
    }
    if (action !== "1") {
      this.send(s, ackFrame(trId, trKey, "OPSP8997"))
      return
    }
    const notices = trId === noticeTrOf(this.profile)
    if (trId !== TRADE_TR && !notices) return this.send(s, ackFrame(trId, trKey, "OPSP8991"))
    if (notices ? trKey !== account.spec.htsId : this.ex.market.info(trKey) === undefined) return this.send(s, ackFrame(trId, trKey, "OPSP8992"))
    if (s.registrations.has(key)) return this.send(s, ackFrame(trId, trKey, "OPSP0002"))
    if (s.registrations.size >= MAX_REGISTRATIONS) return this.send(s, ackFrame(trId, trKey, "OPSP0008"))
    s.registrations.set(key, { trId, trKey })
    if (notices) s.noticeCipher ??= randomNoticeCipher()
    this.send(s, ackFrame(trId, trKey, "OPSP0000", notices ? s.noticeCipher : randomNoticeCipher(), notices))
  }

  private deliverNotice(n: OrderNotice): void {
    const trId = noticeTrOf(this.profile)
    const key = `${trId}|${n.account.spec.htsId}`
    for (const s of this.sessions) {
      if (s.appKey !== n.account.spec.appKey || !s.registrations.has(key) || s.noticeCipher === undefined) continue
      const frame = formatDataFrame(trId, [noticeRecord(n, this.profile, this.ex.market.info(n.order.ticker)?.name ?? n.order.ticker)], s.noticeCipher)
      const copies = this.faults.duplicateNotices ? 2 : 1
      const delay = this.faults.noticeDelayMs + this.faults.latencyMs
      for (let i = 0; i < copies; i++) {
        if (delay > 0) this.later(delay, () => this.send(s, frame))
        else this.send(s, frame)
      }
    }
  }

  /** One H0STCNT0 frame per subscribed symbol with every path point traded in (from, to]. */
  private deliverTrades(from: Instant, to: Instant): void {
    const wanted = new Set<string>()
    for (const s of this.sessions) for (const r of s.registrations.values()) if (r.trId === TRADE_TR) wanted.add(r.trKey)
    if (wanted.size === 0) return
    const date = kstDateOf(to)
    for (const ticker of wanted) {
      const records = this.tradeRecords(ticker, date, from, to)
      if (records.length === 0) continue
      for (let i = 0; i < records.length; i += 999) {
        const frame = formatDataFrame(TRADE_TR, records.slice(i, i + 999))
        for (const s of this.sessions) if (s.registrations.has(`${TRADE_TR}|${ticker}`)) this.send(s, frame)
      }
    }
  }

  private tradeRecords(ticker: string, date: ReturnType<typeof kstDateOf>, from: number, to: number): Array<ReadonlyArray<string>> {
    const day = this.ex.market.day(ticker, date)
    if (day === undefined) return []
    const p = day.path
    const out: Array<ReadonlyArray<string>> = []
    let high = 0, low = Infinity, volume = 0, value = 0, highAt = "", lowAt = ""
    for (let i = 0; i < p.prices.length && p.times[i]! <= to; i++) {
      const px = p.prices[i]!, time = kstTimeOf(p.times[i]!)
      if (px > high) { high = px; highAt = time }
      if (px < low) { low = px; lowAt = time }
      volume += p.volumes[i]!
      value += px * p.volumes[i]!
      if (p.times[i]! <= from) continue
      const open = p.prices[0]!
      const sign = (a: number, b: number) => changeSign(a, b)
      const values: Record<(typeof TRADE_FIELDS)[number], string> = {
        MKSC_SHRN_ISCD: ticker, STCK_CNTG_HOUR: time, STCK_PRPR: String(px), PRDY_VRSS_SIGN: changeSign(px, day.base, day.band.upper, day.band.lower),
        PRDY_VRSS: String(px - day.base), PRDY_CTRT: dec(pct(px - day.base, day.base), 2), WGHN_AVRG_STCK_PRC: dec(value / Math.max(1, volume), 2),
        STCK_OPRC: String(open), STCK_HGPR: String(high), STCK_LWPR: String(low),
        ASKP1: String(px + tickSize(px, day.info.instrument, date)), BIDP1: String(px), CNTG_VOL: String(Math.round(p.volumes[i]!)),
        ACML_VOL: String(Math.round(volume)), ACML_TR_PBMN: String(Math.round(value)), SELN_CNTG_CSNU: "0", SHNU_CNTG_CSNU: "0", NTBY_CNTG_CSNU: "0",
        CTTR: "100.00", SELN_CNTG_SMTN: "0", SHNU_CNTG_SMTN: "0",
        CCLD_DVSN: i === 0 || i === p.closingAuctionIndex ? "3" : px >= (p.prices[i - 1] ?? px) ? "1" : "5",
        SHNU_RATE: "50.00", PRDY_VOL_VRSS_ACML_VOL_RATE: "0.00", OPRC_HOUR: kstTimeOf(p.times[0]!), OPRC_VRSS_PRPR_SIGN: sign(px, open),
        OPRC_VRSS_PRPR: String(px - open), HGPR_HOUR: highAt, HGPR_VRSS_PRPR_SIGN: sign(px, high), HGPR_VRSS_PRPR: String(px - high),
        LWPR_HOUR: lowAt, LWPR_VRSS_PRPR_SIGN: sign(px, low), LWPR_VRSS_PRPR: String(px - low), BSOP_DATE: toKisDate(date),
        NEW_MKOP_CLS_CODE: "20", TRHT_YN: "N", ASKP_RSQN1: "0", BIDP_RSQN1: "0", TOTAL_ASKP_RSQN: "0", TOTAL_BIDP_RSQN: "0", VOL_TNRT: "0.00",
        PRDY_SMNS_HOUR_ACML_VOL: "0", PRDY_SMNS_HOUR_ACML_VOL_RATE: "0.00", HOUR_CLS_CODE: "0", MRKT_TRTM_CLS_CODE: "", VI_STND_PRC: String(day.base)
      }
      out.push(TRADE_FIELDS.map((f) => values[f]))
    }
    return out
  }
}
