// A TradingEngine wired to an in-process kis-sim over real loopback HTTP: KisBroker and KisMarketData on the KIS
// client, kis-sim's replayed clock, and a file store in a temporary folder.
import { NodeContext, NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { KRX_CALENDAR } from "../../../src/domain/krx/calendar.js"
import { KisBrokerLive } from "../../../src/kis/adapters/KisBroker.js"
import { KisMarketDataLive } from "../../../src/kis/adapters/KisMarketData.js"
import type { KisClientSettings } from "../../../src/kis/KisClient.js"
import { KisSimMarketClockLive } from "../../../src/live/clocks.js"
import { type EngineSettings, makeTradingEngine } from "../../../src/live/TradingEngine.js"
import { FileStoreLive } from "../../../src/persistence/FileStore.js"
import type { KisSimHandle } from "../../../src/sim/server.js"
import { fastOptions, kisClientLayer } from "../../support/kisLoopback.js"
import { TEST_SETTINGS } from "./engineHarness.js"

export const tempStatePath = () => path.join(mkdtempSync(path.join(tmpdir(), "live-state-")), "state.json")

/** The market ports over kis-sim at `url` (possibly in another process). */
export const simMarketLayerAt = (url: string, tokenDir: string, clientOptions: KisClientSettings = fastOptions()) => {
  const clock = KisSimMarketClockLive(url, KRX_CALENDAR).pipe(Layer.provide(NodeHttpClient.layerUndici))
  const client = kisClientLayer(url, tokenDir, {}, clientOptions)
  return Layer.mergeAll(KisBrokerLive, KisMarketDataLive, clock).pipe(Layer.provide(client), Layer.provideMerge(clock))
}

export const simMarketLayer = (sim: KisSimHandle, tokenDir: string, clientOptions?: KisClientSettings) =>
  simMarketLayerAt(sim.url, tokenDir, clientOptions)

/** An engine (not started) over kis-sim and the state file `statePath`; its services live as long as the caller's scope. */
export const simEngine = (
  sim: KisSimHandle, tokenDir: string, statePath: string, overrides: Partial<EngineSettings> = {}, clientOptions?: KisClientSettings
) =>
  Effect.gen(function* () {
    const services = yield* Layer.build(Layer.mergeAll(simMarketLayer(sim, tokenDir, clientOptions), FileStoreLive(statePath)).pipe(Layer.provide(NodeContext.layer)))
    return yield* makeTradingEngine({ ...TEST_SETTINGS, ...overrides }).pipe(Effect.provide(services))
  }).pipe(Effect.orDie)
