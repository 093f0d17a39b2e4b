// What a kis-sim REST handler answers, and the KIS conventions every answer shares: the rt_cd envelope, string-encoded
// numbers, the tr_cont continuation header with ctx_area_* keys padded to 100 characters, and change signs.
import type { KisMessage } from "../messages.js"

export interface Reply {
  readonly status: number
  readonly body: unknown
  /** Response header tr_cont; set on every paged API (F/M more, D/E last). */
  readonly trCont?: string
}

export const envelope = (msg: KisMessage, blocks: Readonly<Record<string, unknown>> = {}, ok = true): Record<string, unknown> => ({
  ...blocks, rt_cd: ok ? "0" : "1", msg_cd: msg.code, msg1: msg.text
})

export const success = (msg: KisMessage, blocks: Readonly<Record<string, unknown>> = {}, trCont?: string): Reply =>
  trCont === undefined ? { status: 200, body: envelope(msg, blocks) } : { status: 200, body: envelope(msg, blocks), trCont }

export const failure = (msg: KisMessage, status = 200): Reply => ({ status, body: envelope(msg, {}, false) })

/** KIS pads continuation keys to 100 characters. */
export const pad100 = (s: string): string => s.padEnd(100, " ")

/** Integer as KIS writes it. */
export const int = (n: number): string => String(Math.round(n))
/** Fixed decimals ("0.39", "135440.2517"). */
export const dec = (n: number, digits: number): string => (Number.isFinite(n) ? n : 0).toFixed(digits)

/** PRDY_VRSS_SIGN: 1 upper limit, 2 up, 3 flat, 4 lower limit, 5 down. */
export const changeSign = (price: number, base: number, upper?: number, lower?: number): string =>
  upper !== undefined && price >= upper && price > base ? "1"
    : lower !== undefined && price <= lower && price < base ? "4"
    : price > base ? "2" : price < base ? "5" : "3"

export const pct = (part: number, whole: number): number => (whole === 0 ? 0 : (part / whole) * 100)

/** One page of rows: the offset travels in ctx_area_nk100 and tr_cont says whether more follow. */
export interface Page<A> {
  readonly rows: ReadonlyArray<A>
  readonly trCont: string
  readonly nk: string
}

export const pageOf = <A>(all: ReadonlyArray<A>, size: number, continuing: boolean, nk: string): Page<A> => {
  const offset = continuing ? Math.max(0, Number.parseInt(nk.trim(), 10) || 0) : 0
  const rows = all.slice(offset, offset + size)
  const next = offset + rows.length
  const more = next < all.length
  return { rows, trCont: more ? (offset === 0 ? "F" : "M") : offset === 0 ? "D" : "E", nk: pad100(more ? String(next) : "") }
}
