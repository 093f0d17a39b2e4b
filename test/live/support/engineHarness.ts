// Builds a TradingEngine over the fake exchange and an in-memory store, with short grace periods for tests.
import { Effect, Layer } from "effect"
import { KRX_CALENDAR } from "../../../src/domain/krx/calendar.js"
import { ZERO_COSTS } from "../../../src/domain/krx/costs.js"
import { makeMemoryStore, type MemoryStoreContents } from "../../../src/persistence/MemoryStore.js"
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings, makeTradingEngine } from "../../../src/live/TradingEngine.js"
import { Store } from "../../../src/services/Store.js"
import { fakeMarketLayer, type FakeExchangeState } from "./fakeMarket.js"

export const TEST_SETTINGS: EngineSettings = {
  ...DEFAULT_ENGINE_SETTINGS,
  strategy: undefined,
  params: {},
  universe: [],
  riskLimits: undefined,
  costs: ZERO_COSTS,
  calendar: KRX_CALENDAR,
  resolution: { graceMs: 30_000, skewMs: 2_000 }
}

export const emptyContents = (): MemoryStoreContents => ({ snapshot: undefined, journal: [] })

/** An engine (not started) over `ex` and `contents`; it lives as long as the test's scope. */
export const engineOver = (ex: FakeExchangeState, contents: MemoryStoreContents, overrides: Partial<EngineSettings> = {}) =>
  makeTradingEngine({ ...TEST_SETTINGS, ...overrides }).pipe(
    Effect.provide(Layer.mergeAll(fakeMarketLayer(ex), Layer.succeed(Store, makeMemoryStore(contents))))
  )
