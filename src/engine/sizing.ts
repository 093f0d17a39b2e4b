// Order sizing shared by every mode: how many whole shares a cash amount buys including the commission, and
// how a strategy's decisions become concrete order quantities against the book.
import { commission, type CostModel } from "../domain/krx/costs.js"

/** Largest whole q with q·price + commission(q·price) ≤ cash (0 when not even one share fits). */
export const affordableQuantity = (cash: number, price: number, costs: CostModel): number => {
  if (!(price > 0) || !(cash > 0)) return 0
  let q = Math.floor(cash / (price * (1 + costs.commissionRate)))
  while (q > 0 && !fits(q, price, cash, costs)) q--
  while (fits(q + 1, price, cash, costs)) q++
  return q
}

// A module function, not a closure per call: sizing runs once per order and per fill in long backtests.
const fits = (q: number, price: number, cash: number, costs: CostModel): boolean => q * price + commission(q * price, costs) <= cash
