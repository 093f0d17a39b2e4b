// The KRX weekday closures 2010–2026, one row per closed weekday with the reason(s) it was closed: public
// holidays, substitute and temporary holidays, election days, Labour Day (5/1) and the year-end closing day.
import type { TradeDate } from "../Time.js"

/** Public holidays that close KRX (lunar ones by their solar date each year). */
export type PublicHoliday =
  | "new-year" // 신정 1/1
  | "seollal" // 설날, three days around lunar 1/1
  | "independence-movement-day" // 삼일절 3/1
  | "childrens-day" // 어린이날 5/5
  | "buddhas-birthday" // 부처님오신날, lunar 4/8
  | "memorial-day" // 현충일 6/6
  | "constitution-day" // 제헌절 7/17, a public holiday again from 2026
  | "liberation-day" // 광복절 8/15
  | "chuseok" // 추석, three days around lunar 8/15
  | "national-foundation-day" // 개천절 10/3
  | "hangul-day" // 한글날 10/9, a public holiday again from 2013
  | "christmas" // 성탄절 12/25

/** Why KRX was closed on a weekday. */
export type ClosureReason =
  | PublicHoliday
  | `substitute for ${PublicHoliday}` // 대체공휴일: a holiday fell on a weekend or on another holiday
  | "temporary-holiday" // 임시공휴일 declared by the government
  | "presidential-election"
  | "general-election"
  | "local-election"
  | "labour-day" // 근로자의 날 5/1: not a public holiday, but KRX closes
  | "year-end-closing" // 연말 휴장일: 12/31, or the last weekday before it
  | "announced-closure" // a closure learnt from KIS chk-holiday that this table does not list

/** One row: "MM-DD" of a closed weekday, then its reasons. */
type ClosureRow = readonly [monthDay: string, ...reasons: ReadonlyArray<ClosureReason>]

/** Weekday closures by year. Weekends are always closed and are not listed. */
const CLOSURES_BY_YEAR: Readonly<Record<number, ReadonlyArray<ClosureRow>>> = {
  2010: [["01-01", "new-year"], ["02-15", "seollal"], ["03-01", "independence-movement-day"],
    ["05-05", "childrens-day"], ["05-21", "buddhas-birthday"], ["06-02", "local-election"], ["09-21", "chuseok"],
    ["09-22", "chuseok"], ["09-23", "chuseok"], ["12-31", "year-end-closing"]],
  2011: [["02-02", "seollal"], ["02-03", "seollal"], ["02-04", "seollal"], ["03-01", "independence-movement-day"],
    ["05-05", "childrens-day"], ["05-10", "buddhas-birthday"], ["06-06", "memorial-day"],
    ["08-15", "liberation-day"], ["09-12", "chuseok"], ["09-13", "chuseok"], ["10-03", "national-foundation-day"],
    ["12-30", "year-end-closing"]],
  2012: [["01-23", "seollal"], ["01-24", "seollal"], ["03-01", "independence-movement-day"],
    ["04-11", "general-election"], ["05-01", "labour-day"], ["05-28", "buddhas-birthday"], ["06-06", "memorial-day"],
    ["08-15", "liberation-day"], ["10-01", "chuseok"], ["10-03", "national-foundation-day"],
    ["12-19", "presidential-election"], ["12-25", "christmas"], ["12-31", "year-end-closing"]],
  2013: [["01-01", "new-year"], ["02-11", "seollal"], ["03-01", "independence-movement-day"],
    ["05-01", "labour-day"], ["05-17", "buddhas-birthday"], ["06-06", "memorial-day"], ["08-15", "liberation-day"],
    ["09-18", "chuseok"], ["09-19", "chuseok"], ["09-20", "chuseok"], ["10-03", "national-foundation-day"],
    ["10-09", "hangul-day"], ["12-25", "christmas"], ["12-31", "year-end-closing"]],
  2014: [["01-01", "new-year"], ["01-30", "seollal"], ["01-31", "seollal"], ["05-01", "labour-day"],
    ["05-05", "childrens-day"], ["05-06", "buddhas-birthday"], ["06-04", "local-election"],
    ["06-06", "memorial-day"], ["08-15", "liberation-day"], ["09-08", "chuseok"], ["09-09", "chuseok"],
    ["09-10", "substitute for chuseok"], ["10-03", "national-foundation-day"], ["10-09", "hangul-day"],
    ["12-25", "christmas"], ["12-31", "year-end-closing"]],
  2015: [["01-01", "new-year"], ["02-18", "seollal"], ["02-19", "seollal"], ["02-20", "seollal"],
    ["05-01", "labour-day"], ["05-05", "childrens-day"], ["05-25", "buddhas-birthday"],
    ["08-14", "temporary-holiday"], ["09-28", "chuseok"], ["09-29", "substitute for chuseok"],
    ["10-09", "hangul-day"], ["12-25", "christmas"], ["12-31", "year-end-closing"]],
  2016: [["01-01", "new-year"], ["02-08", "seollal"], ["02-09", "seollal"], ["02-10", "substitute for seollal"],
    ["03-01", "independence-movement-day"], ["04-13", "general-election"], ["05-05", "childrens-day"],
    ["05-06", "temporary-holiday"], ["06-06", "memorial-day"], ["08-15", "liberation-day"], ["09-14", "chuseok"],
    ["09-15", "chuseok"], ["09-16", "chuseok"], ["10-03", "national-foundation-day"], ["12-30", "year-end-closing"]],
  2017: [["01-27", "seollal"], ["01-30", "substitute for seollal"], ["03-01", "independence-movement-day"],
    ["05-01", "labour-day"], ["05-03", "buddhas-birthday"], ["05-05", "childrens-day"],
    ["05-09", "presidential-election"], ["06-06", "memorial-day"], ["08-15", "liberation-day"],
    ["10-02", "temporary-holiday"], ["10-03", "chuseok", "national-foundation-day"], ["10-04", "chuseok"],
    ["10-05", "chuseok"], ["10-06", "substitute for chuseok"], ["10-09", "hangul-day"], ["12-25", "christmas"],
    ["12-29", "year-end-closing"]],
  2018: [["01-01", "new-year"], ["02-15", "seollal"], ["02-16", "seollal"], ["03-01", "independence-movement-day"],
    ["05-01", "labour-day"], ["05-07", "substitute for childrens-day"], ["05-22", "buddhas-birthday"],
    ["06-06", "memorial-day"], ["06-13", "local-election"], ["08-15", "liberation-day"], ["09-24", "chuseok"],
    ["09-25", "chuseok"], ["09-26", "substitute for chuseok"], ["10-03", "national-foundation-day"],
    ["10-09", "hangul-day"], ["12-25", "christmas"], ["12-31", "year-end-closing"]],
  2019: [["01-01", "new-year"], ["02-04", "seollal"], ["02-05", "seollal"], ["02-06", "seollal"],
    ["03-01", "independence-movement-day"], ["05-01", "labour-day"], ["05-06", "substitute for childrens-day"],
    ["06-06", "memorial-day"], ["08-15", "liberation-day"], ["09-12", "chuseok"], ["09-13", "chuseok"],
    ["10-03", "national-foundation-day"], ["10-09", "hangul-day"], ["12-25", "christmas"],
    ["12-31", "year-end-closing"]],
  2020: [["01-01", "new-year"], ["01-24", "seollal"], ["01-27", "substitute for seollal"],
    ["04-15", "general-election"], ["04-30", "buddhas-birthday"], ["05-01", "labour-day"],
    ["05-05", "childrens-day"], ["08-17", "temporary-holiday"], ["09-30", "chuseok"], ["10-01", "chuseok"],
    ["10-02", "chuseok"], ["10-09", "hangul-day"], ["12-25", "christmas"], ["12-31", "year-end-closing"]],
  2021: [["01-01", "new-year"], ["02-11", "seollal"], ["02-12", "seollal"], ["03-01", "independence-movement-day"],
    ["05-05", "childrens-day"], ["05-19", "buddhas-birthday"], ["08-16", "substitute for liberation-day"],
    ["09-20", "chuseok"], ["09-21", "chuseok"], ["09-22", "chuseok"],
    ["10-04", "substitute for national-foundation-day"], ["10-11", "substitute for hangul-day"],
    ["12-31", "year-end-closing"]],
  2022: [["01-31", "seollal"], ["02-01", "seollal"], ["02-02", "seollal"], ["03-01", "independence-movement-day"],
    ["03-09", "presidential-election"], ["05-05", "childrens-day"], ["06-01", "local-election"],
    ["06-06", "memorial-day"], ["08-15", "liberation-day"], ["09-09", "chuseok"],
    ["09-12", "substitute for chuseok"], ["10-03", "national-foundation-day"],
    ["10-10", "substitute for hangul-day"], ["12-30", "year-end-closing"]],
  2023: [["01-23", "seollal"], ["01-24", "substitute for seollal"], ["03-01", "independence-movement-day"],
    ["05-01", "labour-day"], ["05-05", "childrens-day"], ["05-29", "substitute for buddhas-birthday"],
    ["06-06", "memorial-day"], ["08-15", "liberation-day"], ["09-28", "chuseok"], ["09-29", "chuseok"],
    ["10-02", "temporary-holiday"], ["10-03", "national-foundation-day"], ["10-09", "hangul-day"],
    ["12-25", "christmas"], ["12-29", "year-end-closing"]],
  2024: [["01-01", "new-year"], ["02-09", "seollal"], ["02-12", "substitute for seollal"],
    ["03-01", "independence-movement-day"], ["04-10", "general-election"], ["05-01", "labour-day"],
    ["05-06", "substitute for childrens-day"], ["05-15", "buddhas-birthday"], ["06-06", "memorial-day"],
    ["08-15", "liberation-day"], ["09-16", "chuseok"], ["09-17", "chuseok"], ["09-18", "chuseok"],
    ["10-01", "temporary-holiday"], ["10-03", "national-foundation-day"], ["10-09", "hangul-day"],
    ["12-25", "christmas"], ["12-31", "year-end-closing"]],
  2025: [["01-01", "new-year"], ["01-27", "temporary-holiday"], ["01-28", "seollal"], ["01-29", "seollal"],
    ["01-30", "seollal"], ["03-03", "substitute for independence-movement-day"], ["05-01", "labour-day"],
    ["05-05", "childrens-day", "buddhas-birthday"],
    ["05-06", "substitute for childrens-day", "substitute for buddhas-birthday"], ["06-03", "presidential-election"],
    ["06-06", "memorial-day"], ["08-15", "liberation-day"], ["10-03", "national-foundation-day"],
    ["10-06", "chuseok"], ["10-07", "chuseok"], ["10-08", "substitute for chuseok"], ["10-09", "hangul-day"],
    ["12-25", "christmas"], ["12-31", "year-end-closing"]],
  2026: [["01-01", "new-year"], ["02-16", "seollal"], ["02-17", "seollal"], ["02-18", "seollal"],
    ["03-02", "substitute for independence-movement-day"], ["05-01", "labour-day"], ["05-05", "childrens-day"],
    ["05-25", "substitute for buddhas-birthday"], ["06-03", "local-election"], ["07-17", "constitution-day"],
    ["08-17", "substitute for liberation-day"], ["09-24", "chuseok"], ["09-25", "chuseok"],
    ["10-05", "substitute for national-foundation-day"], ["10-09", "hangul-day"], ["12-25", "christmas"],
    ["12-31", "year-end-closing"]],
}

export const CLOSURE_TABLE_FIRST_YEAR = 2010
export const CLOSURE_TABLE_LAST_YEAR = 2026

/** A closed weekday and why. */
export interface MarketClosure {
  readonly date: TradeDate
  readonly reasons: ReadonlyArray<ClosureReason>
}

/** Every weekday closure of the table, ascending. */
export const KRX_WEEKDAY_CLOSURES: ReadonlyArray<MarketClosure> = Object.entries(CLOSURES_BY_YEAR).flatMap(
  ([year, rows]) => rows.map(([monthDay, ...reasons]) => ({ date: `${year}-${monthDay}` as TradeDate, reasons }))
)
