// KisMarketData on the wire, over the fake KIS server: the quote's base price, chart paging and clipping at the
// market clock, statements converted exactly as the loader converts data/finance and filtered point in time.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { KisFinanceFile } from "../../../src/backtest/data/kisWire.js"
import { DEFAULT_LAGS, statementsFromKis } from "../../../src/backtest/data/statements.js"
import type { Ticker } from "../../../src/domain/Money.js"
import { addDays, type TradeDate } from "../../../src/domain/Time.js"
import { KisMarketDataLive } from "../../../src/kis/adapters/KisMarketData.js"
import type { KisVariable } from "../../../src/kis/KisConfig.js"
import { MarketData } from "../../../src/services/MarketData.js"
import { FAKE_TICKER, type FakeBar, type FakeKis, fakeKisClient, PATHS, startFakeKis } from "./support/fakeKis.js"
import { dashed, fixedMarketClock } from "./support/fixedClock.js"

const T = FAKE_TICKER as Ticker

const withData = <A, E>(today: (fake: FakeKis) => TradeDate, body: (data: MarketData["Type"], fake: FakeKis) => Effect.Effect<A, E>, vars: Partial<Record<KisVariable, string>> = {}) =>
  Effect.scoped(Effect.gen(function* () {
    const fake = yield* startFakeKis()
    const client = yield* fakeKisClient(fake, vars)
    const layer = KisMarketDataLive.pipe(Layer.provide(Layer.merge(client, fixedMarketClock(today(fake)))))
    return yield* Effect.flatMap(MarketData, (data) => body(data, fake)).pipe(Effect.provide(layer))
  }))

const dayBefore = (yyyymmdd: string) => addDays(dashed(yyyymmdd), -1).replaceAll("-", "")
const lastBarDay = (fake: FakeKis) => dashed(fake.symbols[FAKE_TICKER]!.bars.at(-1)!.date)

describe("KisMarketData", () => {
  it.live("quote: price, day range and the base price (stck_sdpr) from inquire-price", () =>
    withData(lastBarDay, (data, fake) => Effect.gen(function* () {
      fake.symbols[FAKE_TICKER]!.price = 71_200
      const q = yield* data.quote(T)
      expect(q).toMatchObject({ ticker: T, price: 71_200, basePrice: 70_000 })
      expect(fake.to(PATHS.price)[0]!.query.get("FID_INPUT_ISCD")).toBe(T)
    })))

  it.live("dailyBars: 100 rows a call, each call ending the day before the last one's oldest row, clipped at the clock's today", () =>
    withData((fake) => dashed(fake.symbols[FAKE_TICKER]!.bars.at(-11)!.date), (data, fake) => Effect.gen(function* () {
      const all = fake.symbols[FAKE_TICKER]!.bars
      const bars = yield* data.dailyBars(T, dashed(all[0]!.date), addDays(lastBarDay(fake), 30))
      expect(bars.map((b) => b.date)).toEqual(all.slice(0, -10).map((b) => dashed(b.date)))
      expect(bars[17]).toEqual({ date: dashed(all[17]!.date), open: all[17]!.open, high: all[17]!.high, low: all[17]!.low, close: all[17]!.close, volume: all[17]!.volume })
      const calls = fake.to(PATHS.chart)
      expect(calls.map((c) => c.query.get("FID_INPUT_DATE_2"))).toEqual([
        all.at(-11)!.date,
        dayBefore(all.at(-110)!.date),
        dayBefore(all.at(-210)!.date)
      ])
      expect(calls.every((c) => c.query.get("FID_ORG_ADJ_PRC") === "0")).toBe(true)
    })))

  it.live("statements: the loader's conversion of the same rows and KSD dividends, only those available by the clock's today", () =>
    withData(() => "2024-05-20" as TradeDate, (data, fake) => Effect.gen(function* () {
      const statements = yield* data.statements(T)
      const f = fake.symbols[FAKE_TICKER]!.finance!
      const file = yield* Schema.decodeUnknown(KisFinanceFile)({
        balance_sheet: { annual: f.balanceSheet.annual, quarterly: f.balanceSheet.quarterly },
        income_statement: { annual: f.incomeStatement.annual, quarterly: f.incomeStatement.quarterly },
        dividend: f.dividends.filter((d) => d["record_date"]! >= "20220101")
      })
      const expected = statementsFromKis(T, file, 12, DEFAULT_LAGS).filter((s) => s.availableFrom <= "2024-05-20")
      expect(statements).toEqual(expected)
      // 2023 annual (available 2024-03-30) and Q1 2024 (2024-05-15) are known; Q2 2024 is not yet
      expect(statements.map((s) => `${s.periodType} ${s.periodEnd}`)).toEqual(["annual 2022-12-31", "annual 2023-12-31", "quarter 2024-03-31"])
      expect(statements[1]).toMatchObject({ revenue: 258_935_500_000_000, currentAssets: 195_936_600_000_000, filingDateKnown: false })
      // cash per share of the record dates inside each period, from KIS's zero-padded amounts
      expect(statements.map((s) => s.dividendPerShare)).toEqual([0, 722, 361])
      expect(fake.to(PATHS.balanceSheet).map((r) => r.query.get("FID_DIV_CLS_CODE")).sort()).toEqual(["0", "1"])
      // one dividend call: every kind, from the start of the oldest statement period (2022 annual) through today
      const dividendCalls = fake.to(PATHS.dividend)
      expect(dividendCalls).toHaveLength(1)
      expect(Object.fromEntries(["SHT_CD", "GB1", "F_DT", "T_DT", "CTS", "HIGH_GB"].map((k) => [k, dividendCalls[0]!.query.get(k)])))
        .toEqual({ SHT_CD: T, GB1: "0", F_DT: "20220101", T_DT: "20240520", CTS: "", HIGH_GB: "" })
    })))

  it.live("listing: market, listed shares and listing date from search-stock-info, as the loader reads universe.json", () =>
    withData(lastBarDay, (data, fake) => Effect.gen(function* () {
      expect(yield* data.listing!(T)).toEqual({
        name: "삼성전자", instrument: { market: "KOSPI", kind: "stock" }, listedOn: "1975-06-11", sharesOutstanding: 5_969_782_550
      })
      expect(fake.to(PATHS.stockInfo)[0]!.query.get("PDNO")).toBe(T)
      // the same trading day's listing and statements share one search-stock-info call
      yield* data.listing!(T)
      yield* data.statements(T)
      expect(fake.to(PATHS.stockInfo)).toHaveLength(1)
      const error = yield* Effect.flip(data.listing!("000001" as Ticker))
      expect(error).toMatchObject({ _tag: "MarketDataUnavailable", ticker: "000001" })
    })))

  it.live("statements on the mock server are MarketDataUnavailable without a request (KIS offers no financials there)", () =>
    withData(lastBarDay, (data, fake) => Effect.gen(function* () {
      const error = yield* Effect.flip(data.statements(T))
      expect(error).toMatchObject({ _tag: "MarketDataUnavailable", ticker: T })
      expect(error.message).toMatch(/not available on the KIS mock server/)
      expect(fake.to(PATHS.balanceSheet)).toHaveLength(0)
    }), { KIS_ENV: "mock" }))

  it.live("a malformed chart row is MarketDataUnavailable naming the symbol, row and field", () =>
    withData(lastBarDay, (data, fake) => Effect.gen(function* () {
      const bars = fake.symbols[FAKE_TICKER]!.bars as Array<FakeBar>
      bars[bars.length - 3] = { ...bars[bars.length - 3]!, close: Number.NaN }
      const error = yield* Effect.flip(data.dailyBars(T, addDays(lastBarDay(fake), -10), lastBarDay(fake)))
      expect(error.message).toContain(`${T} output2[2].stck_clpr`)
    })))
})
