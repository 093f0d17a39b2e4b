// The MarketData port's contract: behaviour every adapter (replayed data, KisMarketData over KIS) must show.
// Each adapter supplies a fresh layer per test: the MarketData plus a ContractData describing what it holds.
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Either, type Layer } from "effect"
import { validateBar } from "../../src/domain/Bar.js"
import type { Ticker } from "../../src/domain/Money.js"
import { addDays, type TradeDate } from "../../src/domain/Time.js"
import { MarketData } from "../../src/services/MarketData.js"

export class ContractData extends Context.Tag("test/ContractData")<ContractData, {
  /** A symbol with bars up to `today`. */
  readonly ticker: Ticker
  readonly unlisted: Ticker
  /** The market clock's date. */
  readonly today: TradeDate
  /** A date some bars after the first bar of `ticker`. */
  readonly from: TradeDate
}>() {}

export const marketDataContract = (name: string, makeLayer: () => Layer.Layer<MarketData | ContractData, unknown>) =>
  describe(`MarketData contract: ${name}`, () => {
    const run = <A, E>(body: Effect.Effect<A, E, MarketData | ContractData>) => Effect.provide(body, makeLayer())

    it.live("a quote is of the symbol, its price inside the day's range", () =>
      run(Effect.gen(function* () {
        const data = yield* MarketData
        const c = yield* ContractData
        const q = yield* data.quote(c.ticker)
        expect(q.ticker).toBe(c.ticker)
        expect(q.low).toBeLessThanOrEqual(q.price)
        expect(q.price).toBeLessThanOrEqual(q.high)
        expect(q.basePrice).toBeGreaterThan(0)
      })))

    it.live("daily bars are valid, strictly ascending, inside [from, to] and never past today", () =>
      run(Effect.gen(function* () {
        const data = yield* MarketData
        const c = yield* ContractData
        const bars = yield* data.dailyBars(c.ticker, c.from, addDays(c.today, 400))
        expect(bars.length).toBeGreaterThan(0)
        expect(bars[0]!.date >= c.from).toBe(true)
        expect(bars[bars.length - 1]!.date <= c.today).toBe(true)
        for (let i = 1; i < bars.length; i++) expect(bars[i - 1]!.date < bars[i]!.date).toBe(true)
        for (const b of bars) expect(Either.isRight(validateBar(b))).toBe(true)
        const later = yield* data.dailyBars(c.ticker, bars[1]!.date, bars[bars.length - 2]!.date)
        expect(later).toEqual(bars.slice(1, -1))
      })))

    it.live("an empty range has no bars", () =>
      run(Effect.gen(function* () {
        const data = yield* MarketData
        const c = yield* ContractData
        expect(yield* data.dailyBars(c.ticker, c.today, addDays(c.today, -1))).toEqual([])
      })))

    it.live("an unlisted symbol is MarketDataUnavailable naming it", () =>
      run(Effect.gen(function* () {
        const data = yield* MarketData
        const c = yield* ContractData
        const error = yield* Effect.flip(data.quote(c.unlisted))
        expect(error).toMatchObject({ _tag: "MarketDataUnavailable", ticker: c.unlisted })
      })))

    it.live("statements are oldest period first and all available by today", () =>
      run(Effect.gen(function* () {
        const data = yield* MarketData
        const c = yield* ContractData
        const statements = yield* data.statements(c.ticker)
        for (let i = 1; i < statements.length; i++) expect(statements[i - 1]!.periodEnd <= statements[i]!.periodEnd).toBe(true)
        for (const s of statements) expect(s.availableFrom <= c.today).toBe(true)
      })))
  })
