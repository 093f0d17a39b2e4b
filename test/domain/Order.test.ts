// Properties of the order state machine: terminal states accept nothing, fills never exceed the order quantity,
// the state always agrees with the filled quantity, and illegal events leave the order untouched.
import { fc, test } from "@fast-check/vitest"
import { Either } from "effect"
import { describe, expect } from "vitest"
import { ticker, won } from "../../src/domain/Money.js"
import {
  averageFillPrice,
  clientOrderId,
  IllegalOrderTransition,
  isTerminal,
  newOrder,
  type Order,
  OrderEvent,
  type OrderIntent,
  transition
} from "../../src/domain/Order.js"
import type { Instant } from "../../src/domain/Time.js"

const at = (n: number) => n as Instant

const intentOf = (quantity: number): OrderIntent => ({
  strategy: "test",
  decidedAt: at(1),
  ticker: ticker("005930"),
  side: "buy",
  quantity: quantity as OrderIntent["quantity"],
  type: { _tag: "limit", price: won(70_000) }
})

const eventArb: fc.Arbitrary<OrderEvent> = fc.oneof(
  fc.constant(OrderEvent.Submit({ at: at(2) })),
  fc.constant(OrderEvent.Accept({ brokerOrderId: "0000117057", at: at(3) })),
  fc.record({ q: fc.integer({ min: -2, max: 60 }), p: fc.integer({ min: 1, max: 100_000 }) })
    .map(({ q, p }) => OrderEvent.Fill({ quantity: q as OrderIntent["quantity"], price: won(p), at: at(4) })),
  fc.constant(OrderEvent.Cancel({ reason: "user", at: at(5) })),
  fc.constant(OrderEvent.Reject({ reason: "APBK0919", at: at(6) })),
  fc.constant(OrderEvent.LoseTrack({ reason: "timeout", at: at(7) }))
)

describe("order state machine", () => {
  test.prop([fc.integer({ min: 1, max: 100 }), fc.array(eventArb, { maxLength: 40 })])(
    "never leaves a terminal state and never overfills",
    (quantity, events) => {
      let order: Order = newOrder(intentOf(quantity), at(0))
      let filled = 0
      for (const event of events) {
        const result = transition(order, event)
        if (isTerminal(order.state)) {
          expect(Either.isLeft(result)).toBe(true)
          continue
        }
        if (Either.isLeft(result)) {
          expect(result.left).toBeInstanceOf(IllegalOrderTransition)
          expect(result.left.from).toBe(order.state)
          continue
        }
        order = result.right
        if (event._tag === "Fill") filled += event.quantity
        expect(order.filledQuantity).toBe(filled)
        expect(order.filledQuantity).toBeLessThanOrEqual(quantity)
        expect(order.state === "filled").toBe(order.filledQuantity === quantity)
        if (order.state === "partially-filled") expect(order.filledQuantity).toBeGreaterThan(0)
      }
    }
  )

  test("a normal life: submit, accept, two fills", () => {
    const steps = [
      OrderEvent.Submit({ at: at(2) }),
      OrderEvent.Accept({ brokerOrderId: "0000117057", at: at(3) }),
      OrderEvent.Fill({ quantity: 3 as OrderIntent["quantity"], price: won(70_000), at: at(4) }),
      OrderEvent.Fill({ quantity: 7 as OrderIntent["quantity"], price: won(70_100), at: at(5) })
    ]
    const states: Array<string> = []
    let order = newOrder(intentOf(10), at(0))
    for (const e of steps) {
      order = Either.getOrThrow(transition(order, e))
      states.push(order.state)
    }
    expect(states).toEqual(["pending-submit", "accepted", "partially-filled", "filled"])
    expect(order.brokerOrderId).toBe("0000117057")
    expect(averageFillPrice(order)).toBe((3 * 70_000 + 7 * 70_100) / 10)
    expect(order.id).toBe(clientOrderId(intentOf(10)))
  })

  test("illegal events name the order, state and reason", () => {
    const order = newOrder(intentOf(5), at(0))
    const early = transition(order, OrderEvent.Fill({ quantity: 1 as OrderIntent["quantity"], price: won(1), at: at(1) }))
    expect(Either.isLeft(early) && early.left.message).toMatch(/Fill is not allowed in state new/)
    const sent = Either.getOrThrow(transition(order, OrderEvent.Submit({ at: at(1) })))
    const over = transition(sent, OrderEvent.Fill({ quantity: 6 as OrderIntent["quantity"], price: won(1), at: at(2) }))
    expect(Either.isLeft(over) && over.left.message).toMatch(/would exceed the order quantity 5/)
    const nanPrice = transition(sent, OrderEvent.Fill({ quantity: 1 as OrderIntent["quantity"], price: won(Number.NaN), at: at(2) }))
    expect(Either.isLeft(nanPrice) && nanPrice.left.message).toMatch(/fill price NaN/)
  })
})
