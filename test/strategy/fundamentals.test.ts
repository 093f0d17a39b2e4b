// Point-in-time statement selection: a statement counts from availableFrom (never its period end), restatements
// replace earlier publications only once published, fiscal-year series and trailing-four-quarter sums.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { addDays, tradeDate } from "../../src/domain/Time.js"
import { annualSeries, knownAt, latestStatement, trailingFourQuarters } from "../../src/strategy/fundamentals.js"
import { annuals, quarter, statement, T1 } from "./fixtures.js"

describe("knownAt", () => {
  it("counts a statement from its availableFrom date, not from its period end", () => {
    const fy = statement(T1, "2020-12-31", { availableFrom: tradeDate("2021-03-31"), netIncome: 1 })
    expect(knownAt([fy], tradeDate("2021-01-15"))).toEqual([])
    expect(knownAt([fy], tradeDate("2021-03-30"))).toEqual([])
    expect(knownAt([fy], tradeDate("2021-03-31"))).toEqual([fy])
  })

  it("replaces a period by its restatement only from the restatement's date", () => {
    const first = statement(T1, "2020-12-31", { availableFrom: tradeDate("2021-03-31"), netIncome: 100 })
    const restated = statement(T1, "2020-12-31", { availableFrom: tradeDate("2021-06-30"), netIncome: 80 })
    expect(knownAt([restated, first], tradeDate("2021-05-01")).map((s) => s.netIncome)).toEqual([100])
    expect(knownAt([first, restated], tradeDate("2021-07-01")).map((s) => s.netIncome)).toEqual([80])
  })

  it("orders by period end, annual before the quarter ending the same day; latestStatement prefers the annual", () => {
    const q4 = quarter(T1, "2020-12-31", { availableFrom: tradeDate("2021-02-14") })
    const fy = statement(T1, "2020-12-31")
    const q3 = quarter(T1, "2020-09-30")
    const known = knownAt([q4, q3, fy], tradeDate("2022-01-01"))
    expect(known.map((s) => `${s.periodType}:${s.periodEnd}`)).toEqual(["quarter:2020-09-30", "annual:2020-12-31", "quarter:2020-12-31"])
    expect(latestStatement(known)).toBe(fy)
  })
})

describe("annualSeries", () => {
  it("takes annual statements, fills a year without one from its four quarters, and sums flows", () => {
    const list = [
      ...annuals(T1, 2018, 2019, (y) => ({ netIncome: y, sharesOutstanding: 10 })),
      ...["03-31", "06-30", "09-30", "12-31"].map((md, i) => quarter(T1, `2020-${md}`, { netIncome: i + 1, sharesOutstanding: 20 + i }))
    ]
    const known = knownAt(list, tradeDate("2022-01-01"))
    expect(annualSeries(known, "netIncome").map((y) => [y.year, y.value])).toEqual([[2018, 2018], [2019, 2019], [2020, 10]])
    // stock amounts come from the last quarter, not a sum
    expect(annualSeries(known, "sharesOutstanding").map((y) => y.value)).toEqual([10, 10, 23])
  })

  it("ignores a year with fewer than four quarters and keeps only the unbroken run of recent years", () => {
    const list = [
      ...annuals(T1, 2014, 2015, () => ({ netIncome: 1 })),
      ...annuals(T1, 2017, 2019, () => ({ netIncome: 2 })),
      quarter(T1, "2020-03-31", { netIncome: 5 })
    ]
    const years = annualSeries(knownAt(list, tradeDate("2022-01-01")), "netIncome")
    expect(years.map((y) => y.year)).toEqual([2017, 2018, 2019])
  })

  it("gives undefined for a year whose quarter lacks the amount", () => {
    const list = ["03-31", "06-30", "09-30", "12-31"].map((md, i) => quarter(T1, `2020-${md}`, i === 2 ? {} : { netIncome: 1 }))
    expect(annualSeries(knownAt(list, tradeDate("2022-01-01")), "netIncome")).toEqual([{ year: 2020, periodEnd: "2020-12-31", value: undefined }])
  })

  it("follows a non-December fiscal year taken from the annual statements", () => {
    const list = [
      statement(T1, "2019-03-31", { netIncome: 7 }),
      ...["2019-06-30", "2019-09-30", "2019-12-31", "2020-03-31"].map((d) => quarter(T1, d, { netIncome: 3 }))
    ]
    expect(annualSeries(knownAt(list, tradeDate("2022-01-01")), "netIncome").map((y) => [y.year, y.value])).toEqual([[2019, 7], [2020, 12]])
  })
})

describe("trailingFourQuarters", () => {
  const quarters = ["2019-03-31", "2019-06-30", "2019-09-30", "2019-12-31", "2020-03-31", "2020-06-30", "2020-09-30", "2020-12-31"]
    .map((d, i) => quarter(T1, d, { netIncome: i + 1 }))
  const known = knownAt(quarters, tradeDate("2022-01-01"))

  it("sums the latest four quarters and the four a year earlier", () => {
    expect(trailingFourQuarters(known, "netIncome")).toEqual({ periodEnd: "2020-12-31", value: 5 + 6 + 7 + 8 })
    expect(trailingFourQuarters(known, "netIncome", 4)).toEqual({ periodEnd: "2019-12-31", value: 1 + 2 + 3 + 4 })
    expect(trailingFourQuarters(known, "netIncome", 5)).toBeUndefined()
  })

  it("is undefined when a quarter is missing from the window", () => {
    const gap = known.filter((s) => s.periodEnd !== "2020-06-30")
    expect(trailingFourQuarters(gap, "netIncome")).toBeUndefined()
    expect(trailingFourQuarters(gap, "netIncome", 3)).toBeUndefined()
  })
})

describe("point-in-time property", () => {
  const day0 = tradeDate("2018-01-01")
  const arbStatement = fc.record({
    year: fc.integer({ min: 2015, max: 2020 }),
    q: fc.integer({ min: 0, max: 4 }), // 0 = annual
    lag: fc.integer({ min: 0, max: 400 }),
    netIncome: fc.integer({ min: -100, max: 100 })
  }).map(({ year, q, lag, netIncome }) => {
    const end = q === 0 ? `${year}-12-31` : `${year}-${["03-31", "06-30", "09-30", "12-31"][q - 1]}`
    const s = q === 0 ? statement(T1, end, { netIncome }) : quarter(T1, end, { netIncome })
    return { ...s, availableFrom: addDays(s.periodEnd, lag) }
  })

  test.prop([fc.array(arbStatement, { maxLength: 30 }), fc.integer({ min: 0, max: 2500 }), fc.integer({ min: 0, max: 2500 })])(
    "cutting the data at any later date leaves what is known at an earlier date unchanged",
    (list, a, b) => {
      const asOf = addDays(day0, Math.min(a, b)), cut = addDays(day0, Math.max(a, b))
      const cutList = list.filter((s) => s.availableFrom <= cut)
      const full = knownAt(list, asOf)
      expect(knownAt(cutList, asOf)).toEqual(full)
      expect(full.every((s) => s.availableFrom <= asOf)).toBe(true)
      expect(annualSeries(knownAt(cutList, asOf), "netIncome")).toEqual(annualSeries(full, "netIncome"))
      expect(trailingFourQuarters(knownAt(cutList, asOf), "netIncome")).toEqual(trailingFourQuarters(full, "netIncome"))
    }
  )
})
