// KRX trading sessions in KST: which phase the market is in at a given wall-clock time of a trading day.
import { Schema } from "effect"

/** The phases of a KRX trading day (KIS-API.md §14.1), plus "closed" for everything outside them. */
export const SessionPhase = Schema.Literal(
  "closed",
  "pre-open-after-hours",
  "opening-auction",
  "regular",
  "closing-auction",
  "post-close-after-hours",
  "after-hours-single-price"
)
export type SessionPhase = typeof SessionPhase.Type
