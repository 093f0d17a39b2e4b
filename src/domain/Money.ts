// Money and quantities: KRW has no minor unit, so every price and amount is an integer number of won.
import { Either, Schema } from "effect"
import { InvalidDomainValue, showValue } from "./errors.js"

/** An integer amount of Korean won (may be negative for P&L and cash deltas). */
export const Won = Schema.Int.pipe(Schema.brand("Won"))
export type Won = typeof Won.Type

/** A whole number of shares, never negative. */
export const Qty = Schema.Int.pipe(Schema.nonNegative(), Schema.brand("Qty"))
export type Qty = typeof Qty.Type

/** A KRX short code: six characters, digits or upper-case letters (ETN codes carry letters). */
export const Ticker = Schema.String.pipe(Schema.pattern(/^[0-9A-Z]{6}$/), Schema.brand("Ticker"))
export type Ticker = typeof Ticker.Type

const isSafeInt = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n)

/** Validates a won amount: a finite safe integer. */
export const makeWon = (value: unknown, field = "won"): Either.Either<Won, InvalidDomainValue> =>
  isSafeInt(value)
    ? Either.right(value as Won)
    : Either.left(new InvalidDomainValue({ field, value: showValue(value), rule: "must be an integer number of won" }))

/** Validates a share quantity: a non-negative safe integer. */
export const makeQty = (value: unknown, field = "quantity"): Either.Either<Qty, InvalidDomainValue> =>
  isSafeInt(value) && value >= 0
    ? Either.right(value as Qty)
    : Either.left(new InvalidDomainValue({ field, value: showValue(value), rule: "must be a whole number of shares ≥ 0" }))

/** Validates a KRX short code. */
export const makeTicker = (value: unknown, field = "ticker"): Either.Either<Ticker, InvalidDomainValue> =>
  typeof value === "string" && /^[0-9A-Z]{6}$/.test(value)
    ? Either.right(value as Ticker)
    : Either.left(new InvalidDomainValue({ field, value: showValue(value), rule: "must be a 6-character KRX code like 005930" }))

/** Unchecked casts for values already validated (hot loops, decoded columns). */
export const won = (n: number): Won => n as Won
export const qty = (n: number): Qty => n as Qty
export const ticker = (s: string): Ticker => s as Ticker
