// Building blocks for strategy params Schemas: fields with defaults that accept numbers or the numeric strings
// of `--params k=v`, so one Schema decodes both a config object and command-line input.
import { Schema } from "effect"

const NumberInput = Schema.Union(Schema.Number, Schema.NumberFromString).pipe(Schema.compose(Schema.Finite))

/** A finite number field (literal or numeric string) with a default. */
export const numberParam = (defaultValue: number, check?: (n: number) => boolean, rule?: string) =>
  Schema.optionalWith(
    check === undefined ? NumberInput : NumberInput.pipe(Schema.filter(check, { message: () => rule ?? "out of range" })),
    { default: () => defaultValue }
  )

/** An integer field ≥ `min` with a default. */
export const intParam = (defaultValue: number, min: number) =>
  numberParam(defaultValue, (n) => Number.isInteger(n) && n >= min, `expected an integer ≥ ${min}`)

/** One of a fixed set of words, with a default. */
export const literalParam = <const L extends readonly [string, ...Array<string>]>(values: L, defaultValue: L[number]) =>
  Schema.optionalWith(Schema.Literal(...values), { default: () => defaultValue })

export const SCHEDULES = ["daily", "weekly", "monthly", "quarterly"] as const
