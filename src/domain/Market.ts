// Markets and instrument kinds of KRX: they decide the tick ladder, the price band and the sell tax.
import { Either, Schema } from "effect"
import { InvalidDomainValue, showValue } from "./errors.js"

export const Market = Schema.Literal("KOSPI", "KOSDAQ", "KONEX")
export type Market = typeof Market.Type

/** What is traded: ordinary shares, exchange-traded funds / notes, or equity-linked warrants. */
export const InstrumentKind = Schema.Literal("stock", "etf", "etn", "elw")
export type InstrumentKind = typeof InstrumentKind.Type

const MARKETS: ReadonlyArray<Market> = ["KOSPI", "KOSDAQ", "KONEX"]
const KINDS: ReadonlyArray<InstrumentKind> = ["stock", "etf", "etn", "elw"]

export const makeMarket = (value: unknown): Either.Either<Market, InvalidDomainValue> =>
  MARKETS.includes(value as Market)
    ? Either.right(value as Market)
    : Either.left(new InvalidDomainValue({ field: "market", value: showValue(value), rule: "must be KOSPI, KOSDAQ or KONEX" }))

export const makeInstrumentKind = (value: unknown): Either.Either<InstrumentKind, InvalidDomainValue> =>
  KINDS.includes(value as InstrumentKind)
    ? Either.right(value as InstrumentKind)
    : Either.left(new InvalidDomainValue({ field: "instrument kind", value: showValue(value), rule: "must be stock, etf, etn or elw" }))

/** An instrument as the rules need it. */
export interface Instrument {
  readonly market: Market
  readonly kind: InstrumentKind
}

export const ordinaryStock = (market: Market): Instrument => ({ market, kind: "stock" })
