// `screen <strategy>`: what a strategy sees in every name on one day, as an aligned text table. Graham: each
// criterion passed / failed / unknown with the numbers behind it; reflexivity: each name's stage and thesis.
import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Either, HashMap, Option, Schema } from "effect"
import { aboveValuation, screenUniverse, type GrahamScreen } from "../../strategies/graham/screen.js"
import { decideGraham } from "../../strategies/graham/index.js"
import { CRITERIA, formatKrw, type CriterionId, type CriterionStatus } from "../../strategies/graham/criteria.js"
import { GrahamParams } from "../../strategies/graham/params.js"
import { assessName, type Assessment } from "../../strategies/reflexivity/index.js"
import { ReflexivityParams } from "../../strategies/reflexivity/params.js"
import { entryAllowed } from "../../strategies/reflexivity/thesis.js"
import { makeAsOfView } from "../backtest/asOfView.js"
import type { DataSet } from "../backtest/data/DataSet.js"
import { loadDataSet } from "../backtest/data/load.js"
import { displayWidth } from "../backtest/report/format.js"
import type { Ticker } from "../domain/Money.js"
import { makeTradeDate, type TradeDate } from "../domain/Time.js"
import type { AsOfView } from "../strategy/Strategy.js"
import { UsageError } from "./UsageError.js"

const SCREENS = ["graham", "reflexivity"] as const

/** Renders rows as columns padded to terminal width (Hangul counts two columns); `right` columns align right. */
export const renderTable = (
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  right: ReadonlySet<number> = new Set()
): string => {
  const widths = headers.map((h, c) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c] ?? ""))))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((text, c) => {
      const pad = " ".repeat(widths[c]! - displayWidth(text))
      return right.has(c) ? pad + text : text + pad
    }).join("  ").trimEnd()
  return [line(headers), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n")
}

const MARK: Readonly<Record<CriterionStatus, string>> = { pass: "✓", fail: "✗", unknown: "?" }
const CRITERION_HEADER: Readonly<Record<CriterionId, string>> = {
  size: "1 size", financial: "2 financial", stability: "3 earnings", dividends: "4 dividends",
  growth: "5 growth", pe: "6 P/E", pb: "7 P/B", netnet: "net-net"
}
const won = (n: number | undefined): string => (n === undefined ? "-" : Math.round(n).toLocaleString("en-US"))

/** The Graham screen table: one row per name, every criterion with its verdict and numbers, and the verdict. */
export const grahamTable = (
  screens: ReadonlyArray<GrahamScreen>,
  nameOf: (t: Ticker) => string,
  params: GrahamParams
): string => {
  const selected = new Set(decideGraham(screens, [], params).decisions.map((d) => d.ticker))
  const verdict = (s: GrahamScreen) =>
    selected.has(s.ticker) ? "buy" : !s.passes ? "fails" : aboveValuation(s) ? "above value" : "ranked out"
  const rows = screens.map((s) => [
    s.ticker,
    nameOf(s.ticker),
    won(s.price),
    s.marketCap === undefined ? "-" : formatKrw(s.marketCap),
    ...CRITERIA.map((id) => {
      const c = s.criteria.find((x) => x.id === id)!
      return `${MARK[c.status]} ${c.detail}`
    }),
    `${s.passed}/${params.mode === "netnet" ? 1 : 7}`,
    won(s.grahamNumber),
    won(s.ncavPerShare),
    verdict(s)
  ])
  return renderTable(
    ["code", "name", "price", "cap", ...CRITERIA.map((id) => CRITERION_HEADER[id]), "passed", "Graham no.", "NCAV/sh", "verdict"],
    rows,
    new Set([2, 3, 12, 13, 14])
  )
}

const pct = (x: number | undefined, digits = 0): string => (x === undefined || !Number.isFinite(x) ? "-" : `${(x * 100).toFixed(digits)}%`)
const num = (x: number | undefined, digits = 2): string => (x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits))

/** The reflexivity table: stage, the measurements behind it and the thesis of every name. */
export const reflexivityTable = (
  assessments: ReadonlyArray<Assessment>,
  nameOf: (t: Ticker) => string,
  params: ReflexivityParams
): string => {
  const rows = assessments.map(({ ticker, reading: { stage, features: f }, thesis: t }) => [
    ticker,
    nameOf(ticker),
    stage,
    pct(f?.trendGain),
    num(f?.trendR2),
    pct(f?.momentum),
    pct(f?.acceleration),
    num(f?.volatilityRatio),
    num(f?.volumeRatio),
    pct(f?.drawdown),
    pct(f?.priceGrowth),
    pct(f?.earningsGrowth),
    num(t?.asymmetry, 1),
    num(t?.conviction),
    t === undefined ? "-" : t.invalidations.length > 0 ? t.invalidations.map((i) => i.trigger).join(",") : entryAllowed(t, params) ? "entry" : ""
  ])
  return renderTable(
    ["code", "name", "stage", "trend", "R²", "mom", "accel", "vol×", "volume×", "drawdown", "price g", "earn g", "asym", "conv", "signal"],
    rows,
    new Set([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
  )
}

/** The screen of one strategy on one day of a data set, as text. */
export const screenText = (
  strategy: (typeof SCREENS)[number],
  dataSet: DataSet,
  asOf: TradeDate,
  rawParams: Readonly<Record<string, string>>
): Either.Either<string, UsageError> => {
  const names = new Map(dataSet.symbols.map((s) => [s.ticker, s.name]))
  const nameOf = (t: Ticker) => names.get(t) ?? ""
  const view: AsOfView = makeAsOfView(dataSet, asOf)
  const badParams = (e: { readonly message: string }) => new UsageError({ message: `bad --params for ${strategy}: ${e.message.replaceAll("\n", " ")}` })
  const header = `${strategy} screen as of ${asOf} (${dataSet.source}, ${view.universe.length} symbols)`
  if (strategy === "graham") {
    return Either.map(Either.mapLeft(Schema.decodeUnknownEither(GrahamParams)(rawParams), badParams), (params) =>
      `${header}, mode ${params.mode}\n\n${grahamTable(screenUniverse(view, params), nameOf, params)}`)
  }
  return Either.map(Either.mapLeft(Schema.decodeUnknownEither(ReflexivityParams)(rawParams), badParams), (params) =>
    `${header}\n\n${reflexivityTable(
      view.universe.filter((t) => view.bars(t).length > 0).map((t) => assessName(view, t, undefined, params)),
      nameOf,
      params
    )}`)
}

/** The last bar date of any symbol: the default screening day. */
const lastDate = (dataSet: DataSet): TradeDate | undefined => {
  let last: TradeDate | undefined
  for (const b of dataSet.bars.values()) {
    const d = b.dates[b.length - 1]
    if (d !== undefined && (last === undefined || d > last)) last = d
  }
  return last
}

const options = {
  strategy: Args.choice(SCREENS.map((s) => [s, s] as const), { name: "strategy" }),
  date: Options.text("date").pipe(Options.optional, Options.withDescription("screening day YYYY-MM-DD (default: the last day of the data)")),
  dataDir: Options.text("data-dir").pipe(Options.withDefault("data"), Options.withDescription("history folder")),
  params: Options.keyValueMap("params").pipe(Options.optional, Options.withDescription("strategy parameters, k=v"))
}

export const screenCommand = Command.make("screen", options, (args) =>
  Effect.gen(function* () {
    const date = yield* Option.match(args.date, {
      onNone: () => Effect.succeed(undefined),
      onSome: (text) => Either.match(makeTradeDate(text, "--date"), {
        onLeft: () => Effect.fail(new UsageError({ message: `--date ${JSON.stringify(text)} is not a date: expected YYYY-MM-DD` })),
        onRight: (d) => Effect.succeed(d)
      })
    })
    const dataSet = yield* loadDataSet(args.dataDir, date === undefined ? {} : { to: date })
    const asOf = date ?? lastDate(dataSet)
    if (asOf === undefined) return yield* new UsageError({ message: `no bars in ${args.dataDir}` })
    const rawParams = Object.fromEntries(Option.match(args.params, { onNone: () => [], onSome: (m) => [...HashMap.entries(m)] }))
    yield* Console.log(yield* screenText(args.strategy, dataSet, asOf, rawParams))
  })
).pipe(Command.withDescription("Show every name's screen on one day: Graham criteria with their numbers, or reflexivity stages"))
