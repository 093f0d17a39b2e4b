// SentOrderIds answers exactly as one set of every id sent would, however ids repeat within a decision and symbol.
import { fc, test } from "@fast-check/vitest"
import { expect } from "vitest"
import type { Ticker } from "../../src/domain/Money.js"
import { type ClientOrderId, SentOrderIds } from "../../src/domain/Order.js"
import type { Instant } from "../../src/domain/Time.js"

const entry = fc.record({
  decidedAt: fc.integer({ min: 0, max: 3 }).map((d) => (1_700_000_000_000 + d * 86_400_000) as Instant),
  ticker: fc.constantFrom("005930", "000660", "035420").map((t) => t as Ticker),
  suffix: fc.integer({ min: 0, max: 3 })
})
const idOf = (e: { decidedAt: Instant; ticker: Ticker; suffix: number }) => `s:${e.decidedAt}:${e.ticker}:buy:${e.suffix}` as ClientOrderId

test.prop([fc.array(entry, { maxLength: 40 }), fc.array(entry, { maxLength: 20 })])(
  "has(id) after any adds is membership in the set of ids added, seeded or not",
  (added, probes) => {
    const half = Math.floor(added.length / 2)
    const sent = new SentOrderIds(added.slice(0, half).map((e) => ({ id: idOf(e), intent: e })))
    for (const e of added.slice(half)) sent.add(idOf(e), e)
    const reference = new Set(added.map(idOf))
    for (const e of [...added, ...probes]) expect(sent.has(idOf(e), e)).toBe(reference.has(idOf(e)))
  }
)
