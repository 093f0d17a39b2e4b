// Composition roots: which adapters back the ports in each mode. A backtest runs the shared order executor over
// the simulated broker, market data and clock of one replay; the run supplies its SimExchange and ExecutionPolicy.
import { SimTradingLayer } from "./backtest/runBacktest.js"

export const BacktestLayer = SimTradingLayer
