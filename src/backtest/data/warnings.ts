// Suspicious but legal history: limit moves, zero-volume runs, missing KRX trading days, prices off the tick
// ladder (adjusted histories). Reported to the user, never fatal.
import type { Instrument } from "../../domain/Market.js"
import type { Ticker } from "../../domain/Money.js"
import type { TradeDate } from "../../domain/Time.js"
import { isOnTick } from "../../domain/krx/tick.js"
import type { BarColumns, DataWarning } from "./DataSet.js"

/** A close-to-close move at least this large is reported as reaching the ±30 % limit. */
export const LIMIT_MOVE_RATIO = 0.29
/** Beyond this the move exceeds the band: a corporate action the prices were not adjusted for, or bad data. */
const BEYOND_BAND_RATIO = 0.305

/** Trading-day ordinal of each KRX trading day in a range, to count missing days between two bars. */
export type TradingDayIndex = ReadonlyMap<TradeDate, number>

const pct = (r: number): string => `${r >= 0 ? "+" : ""}${(r * 100).toFixed(1)} %`

/** Warnings for one symbol's columns; `rows` maps each bar to its 1-based source row. */
export const barWarnings = (
  file: string, ticker: Ticker, instrument: Instrument, bars: BarColumns, rows: Int32Array, calendar: TradingDayIndex
): Array<DataWarning> => {
  const out: Array<DataWarning> = []
  const warn = (i: number, kind: DataWarning["kind"], message: string) =>
    out.push({ file, row: rows[i], ticker, date: bars.dates[i], kind, message })
  let offTick = 0, firstOffTick = -1, zeroRunStart = -1
  for (let i = 0; i < bars.length; i++) {
    const date = bars.dates[i]!
    const ordinal = calendar.get(date)
    if (ordinal === undefined) warn(i, "gap", `bar on ${date}, a day the KRX calendar lists as closed`)
    if (i > 0) {
      const prevOrdinal = calendar.get(bars.dates[i - 1]!)
      if (ordinal !== undefined && prevOrdinal !== undefined && ordinal - prevOrdinal > 1) {
        const missing = ordinal - prevOrdinal - 1
        warn(i, "gap", `${missing} KRX trading day${missing > 1 ? "s" : ""} missing before ${date} (halt or source gap)`)
      }
      const r = bars.close[i]! / bars.close[i - 1]! - 1
      if (Math.abs(r) >= LIMIT_MOVE_RATIO) {
        warn(i, "limit-move", Math.abs(r) > BEYOND_BAND_RATIO
          ? `close moved ${pct(r)}, beyond the ±30 % band (unadjusted corporate action?)`
          : `close moved ${pct(r)}, at the ±30 % limit`)
      }
    }
    if (bars.volume[i] === 0) {
      if (zeroRunStart < 0) zeroRunStart = i
    } else if (zeroRunStart >= 0) {
      warn(zeroRunStart, "zero-volume", `${i - zeroRunStart} day(s) without volume from ${bars.dates[zeroRunStart]}`)
      zeroRunStart = -1
    }
    if (!(isOnTick(bars.open[i]!, instrument, date) && isOnTick(bars.high[i]!, instrument, date) &&
      isOnTick(bars.low[i]!, instrument, date) && isOnTick(bars.close[i]!, instrument, date))) {
      if (firstOffTick < 0) firstOffTick = i
      offTick++
    }
  }
  if (zeroRunStart >= 0) {
    warn(zeroRunStart, "zero-volume", `${bars.length - zeroRunStart} day(s) without volume from ${bars.dates[zeroRunStart]}`)
  }
  if (offTick > 0) {
    warn(firstOffTick, "off-tick", `${offTick} of ${bars.length} bars have prices off the KRX tick ladder (adjusted prices?)`)
  }
  return out
}
