// No credential ever leaves the KIS adapters: every log line (all levels, with annotations and causes) and every
// error they produce, on success and on each failure path, is searched for the app key, secret, token and account.
import { describe, expect, it } from "@effect/vitest"
import { NodeContext } from "@effect/platform-node"
import { Cause, Effect, Exit, Layer, Logger, LogLevel } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import type { Ticker, Won } from "../../../src/domain/Money.js"
import { fetchData } from "../../../src/fetch/fetchData.js"
import { KisBrokerLive } from "../../../src/kis/adapters/KisBroker.js"
import { KisMarketDataLive } from "../../../src/kis/adapters/KisMarketData.js"
import { RedactKisHeaders } from "../../../src/kis/KisClient.js"
import { Broker } from "../../../src/services/Broker.js"
import { MarketData } from "../../../src/services/MarketData.js"
import { intentOf } from "../../services/brokerContract.js"
import { TEST_SECRETS } from "../../support/kisLoopback.js"
import { FAKE_TICKER, FAKE_UNLISTED, fakeKisClient, startFakeKis } from "./support/fakeKis.js"
import { dashed, fixedMarketClock } from "./support/fixedClock.js"

const T = FAKE_TICKER as Ticker
const SECRETS = [TEST_SECRETS.appKey, TEST_SECRETS.appSecret, TEST_SECRETS.account, TEST_SECRETS.account.replace("-", ""), TEST_SECRETS.account.slice(0, 8), "loopback-token-"]

describe("KIS adapters and secrets", () => {
  it.live("logs and errors of orders, inquiries, quotes, statements and fetch-data never show a credential", () =>
    Effect.scoped(Effect.gen(function* () {
      const seen: Array<string> = []
      const capture = Logger.make(({ message, annotations, cause, logLevel }) => {
        seen.push(`${logLevel.label} ${JSON.stringify(message)} ${JSON.stringify([...annotations])} ${Cause.isEmpty(cause) ? "" : Cause.pretty(cause)}`)
      })
      const record = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.tap(Effect.exit(effect), (exit) => Effect.sync(() => {
          seen.push(Exit.isFailure(exit) ? `${Cause.pretty(exit.cause)} ${JSON.stringify(Cause.squash(exit.cause))}` : JSON.stringify(exit.value))
        }))

      const fake = yield* startFakeKis({ pageSize: 1 })
      const client = yield* fakeKisClient(fake)
      const today = dashed(fake.today)
      const dataDir = mkdtempSync(path.join(tmpdir(), "secrets-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dataDir, { recursive: true, force: true })))
      const adapters = Layer.mergeAll(KisBrokerLive, KisMarketDataLive, NodeContext.layer, RedactKisHeaders).pipe(
        Layer.provide(Layer.merge(client, fixedMarketClock(today))), Layer.provideMerge(client))

      yield* Effect.gen(function* () {
        const broker = yield* Broker
        const data = yield* MarketData
        const buy = intentOf(T, "buy", 2, { _tag: "limit", price: 60_000 as Won })
        const ack = yield* broker.submit(buy.id, buy.intent)
        yield* record(broker.cancel(buy.id, ack.brokerOrderId, T))
        const tooBig = intentOf(T, "buy", 100_000, { _tag: "market" })
        yield* record(broker.submit(tooBig.id, tooBig.intent))
        fake.nextOrderFault = "drop"
        yield* record(broker.submit(buy.id, buy.intent))
        fake.nextOrderFault = "no-envelope"
        yield* record(broker.submit(buy.id, buy.intent))
        yield* record(broker.dailyOrders(today))
        yield* record(broker.account)
        yield* record(data.quote(T))
        yield* record(data.quote(FAKE_UNLISTED as Ticker))
        yield* record(data.statements(T))
        yield* record(data.dailyBars(T, dashed(fake.symbols[FAKE_TICKER]!.bars[200]!.date), today))
        yield* record(fetchData({ symbols: [T], from: dashed(fake.symbols[FAKE_TICKER]!.bars[230]!.date), to: dashed(fake.symbols[FAKE_TICKER]!.bars[240]!.date), financials: true, dataDir }))
        fake.failAfter = 0
        yield* record(broker.account)
        yield* record(broker.submit(buy.id, buy.intent))
        yield* record(data.quote(T))
      }).pipe(
        Effect.provide(adapters),
        Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
        Logger.withMinimumLogLevel(LogLevel.All)
      )

      // the searched text is real: requests carried the secrets, logs and errors were produced
      expect(fake.server.requests.some((r) => r.headers["appkey"] === TEST_SECRETS.appKey)).toBe(true)
      expect(seen.some((line) => line.includes("KIS response"))).toBe(true)
      expect(seen.some((line) => line.includes("OutcomeUnknown"))).toBe(true)
      const text = seen.join("\n")
      for (const secret of SECRETS) expect(text).not.toContain(secret)
    })))
})
