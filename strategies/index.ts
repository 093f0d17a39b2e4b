// The strategy registry: the names users type (`npm run backtest -- <name>`) mapped to strategy modules.
import type { AnyStrategy } from "../src/strategy/Strategy.js"
import graham from "./graham/index.js"
import reflexivity from "./reflexivity/index.js"
import smaCross from "./sma-cross/index.js"

export const STRATEGIES: ReadonlyMap<string, AnyStrategy> = new Map<string, AnyStrategy>([
  [smaCross.name, smaCross],
  [graham.name, graham],
  [reflexivity.name, reflexivity]
])

export const strategyNames = (): ReadonlyArray<string> => [...STRATEGIES.keys()].sort()
