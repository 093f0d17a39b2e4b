// SentOrders answers exactly as one set of every id sent would, however intents repeat within a decision and
// symbol; a forward-only journal answers the same for the latest decision and refuses to look back.
import { fc, test } from "@fast-check/vitest"
import { expect } from "vitest"
import type { Qty, Ticker } from "../../src/domain/Money.js"
import { clientOrderId, type IdParts, SentOrders } from "../../src/domain/Order.js"
import type { Instant } from "../../src/domain/Time.js"

const intent: fc.Arbitrary<IdParts> = fc.record({
  strategy: fc.constantFrom("s", "t"),
  decidedAt: fc.integer({ min: 0, max: 3 }).map((d) => (1_700_000_000_000 + d * 86_400_000) as Instant),
  ticker: fc.constantFrom("005930", "000660", "035420").map((t) => t as Ticker),
  side: fc.constantFrom("buy" as const, "sell" as const),
  quantity: fc.integer({ min: 1, max: 3 }).map((q) => q as Qty)
})

test.prop([fc.array(intent, { maxLength: 40 }), fc.array(intent, { maxLength: 20 })])(
  "has(intent) after any adds is membership of its id in the set of ids added, seeded or not",
  (added, probes) => {
    const half = Math.floor(added.length / 2)
    const sent = new SentOrders(added.slice(0, half))
    for (const e of added.slice(half)) sent.add(e)
    const reference = new Set(added.map(clientOrderId))
    for (const e of [...added, ...probes]) expect(sent.has(e)).toBe(reference.has(clientOrderId(e)))
  }
)

test.prop([fc.array(intent, { maxLength: 40 }), fc.array(intent, { maxLength: 20 })])(
  "a forward-only journal fed in time order answers as the full one for the latest decision, and throws for earlier ones",
  (unordered, probes) => {
    const added = [...unordered].sort((a, b) => a.decidedAt - b.decidedAt)
    const full = new SentOrders()
    const forward = new SentOrders([], true)
    for (const e of added) {
      full.add(e)
      forward.add(e)
    }
    const latest = added.at(-1)?.decidedAt ?? -Infinity
    for (const e of [...added, ...probes]) {
      if (e.decidedAt >= latest) expect(forward.has(e)).toBe(full.has(e))
      else expect(() => forward.has(e)).toThrow(/only moves forward/)
    }
  }
)
