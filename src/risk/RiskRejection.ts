// Why the risk rules refused an order: the rule's name and a sentence with the numbers that broke it.
// A Schema error because the reason is written to the order journal and shown to the user as is.
import { Schema } from "effect"

export const RiskRule = Schema.Literal(
  "symbol",
  "quantity",
  "duplicate intent",
  "trading hours",
  "order type",
  "price",
  "order rate",
  "daily loss",
  "holdings",
  "cash",
  "position cap",
  "exposure cap"
)
export type RiskRule = typeof RiskRule.Type

export class RiskRejection extends Schema.TaggedError<RiskRejection>()("RiskRejection", {
  rule: RiskRule,
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.rule}: ${this.detail}`
  }
}

/** 1234567 → "1,234,567 won"; grouping by hand so output does not depend on the runtime's locale data. */
export const formatWon = (n: number): string => `${formatCount(n)} won`

/** 1234567 → "1,234,567". */
export const formatCount = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",")

/** A ratio part/whole as a percentage with one decimal: "24.0 %". */
export const formatShare = (part: number, whole: number): string => `${((part / whole) * 100).toFixed(1)} %`
