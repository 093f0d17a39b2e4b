// Order sizing shared by every mode: how many whole shares a cash amount buys including the commission, and
// how a strategy's decisions become concrete order quantities against the book.
import { commission, type CostModel } from "../domain/krx/costs.js"

/** Largest whole q with q·price + commission(q·price) ≤ cash (0 when not even one share fits). */
export const affordableQuantity = (cash: number, price: number, costs: CostModel): number => {
  if (!(price > 0) || !(cash > 0)) return 0
  const fits = (q: number) => q * price + commission(q * price, costs) <= cash
  let q = Math.floor(cash / (price * (1 + costs.commissionRate)))
  while (q > 0 && !fits(q)) q--
  while (fits(q + 1)) q++
  return q
}
