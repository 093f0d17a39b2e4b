// KRX tick ladder (호가가격단위): the unified ladder since 2023-01-25, the older per-market ladders before it,
// and 5-won ticks for ETF/ETN/ELW. Rounding helpers snap any positive price onto the ladder.
import { Either } from "effect"
import { InvalidDomainValue } from "../errors.js"
import type { Instrument } from "../Market.js"
import type { Won } from "../Money.js"
import type { TradeDate } from "../Time.js"

/** The day the unified ladder took effect for KOSPI, KOSDAQ and KONEX. */
export const UNIFIED_LADDER_FROM = "2023-01-25"

/** A ladder is a list of [lower bound inclusive, tick], ascending. */
type Ladder = ReadonlyArray<readonly [number, number]>

const UNIFIED: Ladder = [[0, 1], [2_000, 5], [5_000, 10], [20_000, 50], [50_000, 100], [200_000, 500], [500_000, 1_000]]
const KOSPI_BEFORE_2023: Ladder = [[0, 1], [1_000, 5], [5_000, 10], [10_000, 50], [50_000, 100], [100_000, 500], [500_000, 1_000]]
const KOSDAQ_BEFORE_2023: Ladder = [[0, 1], [1_000, 5], [5_000, 10], [10_000, 50], [50_000, 100]]
const FUND_LADDER: Ladder = [[0, 5]]

const ladderFor = (instrument: Instrument, date: TradeDate): Ladder => {
  if (instrument.kind !== "stock") return FUND_LADDER
  if (date >= UNIFIED_LADDER_FROM) return UNIFIED
  return instrument.market === "KOSPI" ? KOSPI_BEFORE_2023 : KOSDAQ_BEFORE_2023
}

/** The tick that applies at `price` (price must be positive). */
export const tickSize = (price: number, instrument: Instrument, date: TradeDate): number => {
  const ladder = ladderFor(instrument, date)
  let tick = ladder[0]![1]
  for (const [from, t] of ladder) {
    if (price >= from) tick = t
    else break
  }
  return tick
}

export const isOnTick = (price: number, instrument: Instrument, date: TradeDate): boolean =>
  Number.isSafeInteger(price) && price > 0 && price % tickSize(price, instrument, date) === 0

/** The largest ladder price ≤ price (at least one tick). */
export const roundDownToTick = (price: number, instrument: Instrument, date: TradeDate): Won => {
  const t = tickSize(price, instrument, date)
  return Math.max(t, Math.floor(price / t) * t) as Won
}

/** The smallest ladder price ≥ price. Ladder boundaries are multiples of the lower band's tick, so one step suffices. */
export const roundUpToTick = (price: number, instrument: Instrument, date: TradeDate): Won => {
  const t = tickSize(price, instrument, date)
  return Math.max(t, Math.ceil(price / t) * t) as Won
}

/** The nearest ladder price; exact halves round up. */
export const roundToTick = (price: number, instrument: Instrument, date: TradeDate): Won => {
  const down = roundDownToTick(price, instrument, date)
  const up = roundUpToTick(price, instrument, date)
  return (price - down < up - price ? down : up) as Won
}

/** `n` ticks above (n > 0) or below (n < 0) a ladder price, walking the ladder one step at a time. */
export const shiftTicks = (price: Won, n: number, instrument: Instrument, date: TradeDate): Won => {
  let p: number = price
  for (let i = 0; i < Math.abs(n); i++) {
    if (n > 0) p = p + tickSize(p, instrument, date)
    else p = Math.max(1, roundDownToTick(p - 1, instrument, date))
  }
  return p as Won
}

/** Validates a limit price: a positive integer on the ladder of its date and instrument. */
export const makeTickPrice = (
  price: unknown,
  instrument: Instrument,
  date: TradeDate,
  field = "price"
): Either.Either<Won, InvalidDomainValue> => {
  if (typeof price !== "number" || !Number.isSafeInteger(price) || price <= 0) {
    return Either.left(new InvalidDomainValue({ field, value: String(price), rule: "must be a positive integer number of won" }))
  }
  if (!isOnTick(price, instrument, date)) {
    const t = tickSize(price, instrument, date)
    return Either.left(new InvalidDomainValue({ field, value: String(price), rule: `off the tick ladder: tick is ${t} won at this price on ${date}` }))
  }
  return Either.right(price as Won)
}
