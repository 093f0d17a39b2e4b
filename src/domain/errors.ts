// Typed errors for bad input to domain constructors: each names the field, the offending value and the rule.
import { Schema } from "effect"

/** A value handed to a domain constructor broke a rule (negative quantity, off-tick price, NaN, unknown market). */
export class InvalidDomainValue extends Schema.TaggedError<InvalidDomainValue>()("InvalidDomainValue", {
  field: Schema.String,
  value: Schema.String,
  rule: Schema.String
}) {
  override get message(): string {
    return `invalid ${this.field}: ${this.value} (${this.rule})`
  }
}

/** Renders any value for an error message without throwing (NaN, undefined, objects). */
export const showValue = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value)
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value)
  if (value === undefined) return "undefined"
  try {
    // JSON would print NaN and ±Infinity inside objects as null, hiding the very value that is wrong
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)) ?? String(value)
  } catch {
    return String(value)
  }
}
