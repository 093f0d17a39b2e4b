// Starts kis-sim in-process on a free loopback port for a test scope, over a slice of the bundled sample data, with a
// manual clock (tests move it exactly), limits lifted unless a test asks for them, and the loopback client's account.
import { NodeContext } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import path from "node:path"
import { fileURLToPath } from "node:url"
import type { DataSet } from "../../../src/backtest/data/DataSet.js"
import { loadDataSet } from "../../../src/backtest/data/load.js"
import { tradeDate } from "../../../src/domain/Time.js"
import { type AccountSpec, DEMO_ACCOUNT } from "../../../src/sim/accounts.js"
import { answerAdmin } from "../../../src/sim/admin.js"
import { defaultSimOptions, type KisSimHandle, type SimOptions, startKisSim } from "../../../src/sim/server.js"
import type { KisClientSettings } from "../../../src/kis/KisClient.js"
import type { KisVariable } from "../../../src/kis/KisConfig.js"
import { fastOptions, kisClientLayer, TEST_SECRETS } from "../../support/kisLoopback.js"

export const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../data")

/** The account the shared KIS client test layer (kisClientLayer) logs in with. */
export const CLIENT_ACCOUNT: AccountSpec = {
  appKey: TEST_SECRETS.appKey,
  appSecret: TEST_SECRETS.appSecret,
  accountNo: TEST_SECRETS.account,
  htsId: "loopuser",
  name: "테스트",
  cash: 10_000_000
}

/** A Monday with bars for every sample symbol. */
export const TEST_DAY = tradeDate("2024-03-04")

const cached = new Map<number, Promise<DataSet>>()

/** The sample symbols `count` (SYN001…), loaded once per test file. */
export const testDataSet = (count = 3): Effect.Effect<DataSet> =>
  Effect.promise(() => {
    const loading = cached.get(count) ?? Effect.runPromise(loadDataSet(DATA_DIR, {
      symbols: Array.from({ length: count }, (_, i) => `SYN${String(i + 1).padStart(3, "0")}`),
      from: tradeDate("2023-06-01"),
      to: tradeDate("2024-06-28")
    }).pipe(Effect.provide(NodeContext.layer)))
    cached.set(count, loading)
    return loading
  })

export const startTestSim = (overrides: Partial<SimOptions> = {}, symbols = 3) =>
  Effect.gen(function* () {
    const dataSet = yield* testDataSet(symbols)
    return yield* startKisSim(defaultSimOptions({
      port: 0, speed: 0, accounts: [CLIENT_ACCOUNT, DEMO_ACCOUNT], requestsPerSecond: undefined, tokenIssueLimit: false,
      pingIntervalMs: 60_000, dataSet, dataDir: DATA_DIR, start: TEST_DAY, ...overrides
    }))
  }).pipe(Effect.provide(NodeContext.layer))

/** Moves the market clock to a KST wall time of the test day (or any ISO instant). */
export const clockTo = (sim: KisSimHandle, hhmm: string, date: string = TEST_DAY) =>
  Effect.sync(() => {
    const reply = answerAdmin(sim.admin, "POST", "/sim/admin/clock", { to: `${date}T${hhmm}:00+09:00` })!
    if (reply.status !== 200) throw new Error(`clock: ${JSON.stringify(reply.body)}`)
  })

/** The project's KisClient pointed at kis-sim (with Node's file system for its token cache). */
export const simClientLayer = (
  url: string,
  tokenDir: string,
  vars: Partial<Record<KisVariable, string>> = {},
  options: KisClientSettings = fastOptions()
) => kisClientLayer(url, tokenDir, vars, options).pipe(Layer.provide(NodeContext.layer))
