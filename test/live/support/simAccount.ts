// What live tests read from and switch on an in-process kis-sim: the orders it booked, the test account's cash and
// positions (the broker's side of "local state equals the broker's"), and its admin endpoints.
import { Effect } from "effect"
import { answerAdmin } from "../../../src/sim/admin.js"
import type { KisSimHandle } from "../../../src/sim/server.js"
import { CLIENT_ACCOUNT } from "../../sim/support/simHarness.js"

/** The new orders kis-sim booked (revisions and cancels excluded): what "no duplicate order" is counted on. */
export const simOrders = (sim: KisSimHandle) => sim.exchange.orders.filter((o) => o.kind === "new" || o.kind === undefined)

/** The engine's account at kis-sim as the engine books it: cash available now and the positions held. */
export const simBook = (sim: KisSimHandle) => {
  const account = [...sim.exchange.accounts.values()].find((a) => a.spec.htsId === CLIENT_ACCOUNT.htsId)!
  return {
    cash: sim.exchange.availableCash(account),
    positions: [...account.book.positions].map(([t, p]) => [t, p.quantity]).filter(([, q]) => (q as number) > 0)
  }
}

/** A POST to one of kis-sim's admin endpoints (faults, limits); a refused patch is a broken test, so it throws. */
export const postSimAdmin = (sim: KisSimHandle, route: string, body: Record<string, unknown>) =>
  Effect.sync(() => {
    const reply = answerAdmin(sim.admin, "POST", route, body)
    if (reply?.status !== 200) throw new Error(`${route}: ${JSON.stringify(reply?.body)}`)
  })
