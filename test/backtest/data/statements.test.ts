// Statements become point-in-time: KIS 억원 -> won, "99.99" -> missing, quarterly YTD -> single quarters,
// availableFrom from a filing date or period end + lag, dividends by record date; the shared-KRX CSV likewise.
import { Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { KisFinanceFile, type KisFinanceFileWire } from "../../../src/backtest/data/kisWire.js"
import { DEFAULT_LAGS, statementsFromKis, statementsFromKrxCsv } from "../../../src/backtest/data/statements.js"
import { ticker } from "../../../src/domain/Money.js"

const T = ticker("005930")
const decode = (wire: KisFinanceFileWire) => Schema.decodeUnknownSync(KisFinanceFile)(wire)
const EOK = 100_000_000

const wire: KisFinanceFileWire = {
  balance_sheet: {
    annual: [{ stac_yymm: "202312", cras: "2085443.00", fix_lblt: "172133.00", flow_lblt: "817704.00", total_lblt: "989837.00", total_aset: "4708998.00", total_cptl: "3719161.00" }],
    quarterly: [
      { stac_yymm: "202312", cras: "2000000.00", total_cptl: "99.99" },
      { stac_yymm: "202306", cras: "1900000.50" },
      { stac_yymm: "202303", cras: "1800000.00", rcept_dt: "20230515" }
    ]
  },
  income_statement: {
    annual: [{ stac_yymm: "202312", sale_account: "2589355.00", bsop_prti: "65670.00", thtr_ntin: "99.99" }],
    quarterly: [
      { stac_yymm: "202312", sale_account: "2589355.00", bsop_prti: "65670.00", thtr_ntin: "154871.00" },
      { stac_yymm: "202306", sale_account: "1237509.00", bsop_prti: "11436.00", thtr_ntin: "31178.00" },
      { stac_yymm: "202303", sale_account: "637454.00", bsop_prti: "6402.00", thtr_ntin: "15746.00" }
    ]
  },
  dividend: [
    { record_date: "20231231", per_sto_divi_amt: "361", stk_kind: "보통", divi_kind: "결산" },
    { record_date: "20230630", per_sto_divi_amt: "   361", stk_kind: "보통", divi_kind: "분기" },
    { record_date: "20231231", per_sto_divi_amt: "362", stk_kind: "우선", divi_kind: "결산" }
  ]
}

describe("statementsFromKis", () => {
  const statements = statementsFromKis(T, decode(wire), 12, DEFAULT_LAGS)
  const find = (type: "annual" | "quarter", end: string) => statements.find((s) => s.periodType === type && s.periodEnd === end)!

  it("orders periods oldest first, annual before the quarter ending the same day", () => {
    expect(statements.map((s) => `${s.periodType}:${s.periodEnd}`)).toEqual([
      "quarter:2023-03-31", "quarter:2023-06-30", "annual:2023-12-31", "quarter:2023-12-31"
    ])
  })

  it("converts 억원 to exact won and the 99.99 placeholder to missing", () => {
    const fy = find("annual", "2023-12-31")
    expect(fy.revenue).toBe(258_935_500_000_000)
    expect(fy.currentAssets).toBe(2_085_443 * EOK)
    expect(fy.longTermLiabilities).toBe(172_133 * EOK)
    expect(fy.netIncome).toBeUndefined()
    expect(find("quarter", "2023-06-30").currentAssets).toBe(190_000_050_000_000)
    expect(find("quarter", "2023-12-31").totalEquity).toBeUndefined()
  })

  it("de-cumulates year-to-date quarters, leaving a quarter undefined when the previous YTD row is missing", () => {
    expect(find("quarter", "2023-03-31").revenue).toBe(637_454 * EOK)
    expect(find("quarter", "2023-06-30").revenue).toBe((1_237_509 - 637_454) * EOK)
    expect(find("quarter", "2023-06-30").netIncome).toBe((31_178 - 15_746) * EOK)
    expect(find("quarter", "2023-12-31").revenue).toBeUndefined() // 202309 absent
  })

  it("dates availability from the filing date when known, else period end + lag (annual lag for the year-end quarter)", () => {
    expect(find("quarter", "2023-03-31")).toMatchObject({ availableFrom: "2023-05-15", filingDateKnown: true })
    expect(find("quarter", "2023-06-30")).toMatchObject({ availableFrom: "2023-08-14", filingDateKnown: false })
    expect(find("annual", "2023-12-31")).toMatchObject({ availableFrom: "2024-03-30", filingDateKnown: false })
    expect(find("quarter", "2023-12-31").availableFrom).toBe("2024-03-30")
    const late = statementsFromKis(T, decode(wire), 12, { annualLagDays: 100, quarterlyLagDays: 60 })
    expect(late.find((s) => s.periodEnd === "2023-06-30")!.availableFrom).toBe("2023-08-29")
  })

  it("sums common-share cash dividends by record date within each period", () => {
    expect(find("annual", "2023-12-31").dividendPerShare).toBe(722)
    expect(find("quarter", "2023-06-30").dividendPerShare).toBe(361)
    expect(find("quarter", "2023-03-31").dividendPerShare).toBe(0)
    const { dividend: _, ...withoutDividends } = wire
    expect(statementsFromKis(T, decode(withoutDividends), 12, DEFAULT_LAGS)[0]!.dividendPerShare).toBeUndefined()
  })

  it("follows a fiscal year ending in March", () => {
    const march = statementsFromKis(T, decode({
      balance_sheet: { annual: [], quarterly: [] },
      income_statement: { annual: [], quarterly: [
        { stac_yymm: "202306", sale_account: "100.00" }, { stac_yymm: "202309", sale_account: "250.00" },
        { stac_yymm: "202403", sale_account: "600.00" }, { stac_yymm: "202312", sale_account: "420.00" }
      ] }
    }), 3, DEFAULT_LAGS)
    expect(march.map((s) => s.revenue! / EOK)).toEqual([100, 150, 170, 180])
    expect(march[3]!.availableFrom).toBe("2024-06-29") // fiscal year end: the annual lag
  })

  it("rejects malformed amounts at decode time", () => {
    const bad = { ...wire, income_statement: { annual: [{ stac_yymm: "202312", sale_account: "1,000" }], quarterly: [] } }
    expect(Either.isLeft(Schema.decodeUnknownEither(KisFinanceFile)(bad))).toBe(true)
  })
})

const KRX_HEADER = "fiscal_period,period_type,period_end,report_date_est,basis,revenue,operating_income,pretax_income,net_income,net_income_controlling,total_assets,current_assets,total_liabilities,current_liabilities,total_equity,equity_controlling,capital_stock,retained_earnings,current_ratio,debt_ratio,eps,bps,dps,per,pbr,div_yield_pct,close,shares_outstanding,market_cap,source"
const krxRow = (cells: Record<string, string>) => KRX_HEADER.split(",").map((h) => cells[h] ?? "").join(",")

describe("statementsFromKrxCsv", () => {
  const text = [
    KRX_HEADER,
    krxRow({ fiscal_period: "FY2016", period_type: "FY", period_end: "2016-12-31", report_date_est: "2017-03-31", revenue: "201866700000000", net_income: "22726100000000", total_liabilities: "69211300000000", current_liabilities: "54704100000000", current_assets: "141429700000000", source: "\"consolidated, FnGuide\"" }),
    krxRow({ fiscal_period: "2016Q1", period_type: "Q", period_end: "2016-03-31", report_date_est: "2016-05-15", revenue: "32714774000000", net_income: "-1" }),
    krxRow({ fiscal_period: "SNAP2025-01-02", period_type: "SNAPSHOT", period_end: "2025-01-02", report_date_est: "2025-01-02", shares_outstanding: "5969782550" }),
    krxRow({ fiscal_period: "SNAP2026-01-02", period_type: "SNAPSHOT", period_end: "2026-01-02", report_date_est: "2026-01-02", shares_outstanding: "5919637922" }),
    krxRow({ fiscal_period: "2023-03(KIS)", period_type: "KIS_RATIO", period_end: "2023-03", eps: "206" }),
    ""
  ].join("\n")

  it("maps FY/Q rows, keeps report_date_est as an estimated availability and takes the latest snapshot's shares", () => {
    const r = Either.getOrThrow(statementsFromKrxCsv("f.csv", text, T, DEFAULT_LAGS))
    expect(r.latestShares).toBe(5_919_637_922)
    expect(r.statements.map((s) => [s.periodType, s.periodEnd, s.availableFrom, s.filingDateKnown])).toEqual([
      ["quarter", "2016-03-31", "2016-05-15", false],
      ["annual", "2016-12-31", "2017-03-31", false]
    ])
    const fy = r.statements[1]!
    expect(fy.revenue).toBe(201_866_700_000_000)
    expect(fy.longTermLiabilities).toBe(69_211_300_000_000 - 54_704_100_000_000)
    expect(fy.totalAssets).toBeUndefined()
    expect(r.statements[0]!.netIncome).toBe(-1)
  })

  it("names the line and column of a bad amount or a missing column", () => {
    const bad = text.replace("32714774000000", "3.2e13")
    const e = Either.getOrThrow(Either.flip(statementsFromKrxCsv("f.csv", bad, T, DEFAULT_LAGS)))
    expect({ file: e.file, row: e.row, field: e.field, value: e.value }).toEqual({ file: "f.csv", row: 3, field: "revenue", value: "3.2e13" })
    const noColumn = text.replace(",report_date_est,", ",reported,")
    expect(Either.getOrThrow(Either.flip(statementsFromKrxCsv("f.csv", noColumn, T, DEFAULT_LAGS))).field).toBe("report_date_est")
  })
})
