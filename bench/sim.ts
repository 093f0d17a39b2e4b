// kis-sim order throughput on loopback: sustained order-cash round trips (a 1-share market buy that fills at once) with
// the rate limit lifted, over keep-alive connections at a few concurrencies; p50/p99 latency per round trip. Prints JSON.
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { Agent, request } from "node:http"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { loadDataSet } from "../src/backtest/data/load.js"
import { tradeDate } from "../src/domain/Time.js"
import { DEMO_ACCOUNT } from "../src/sim/accounts.js"
import { answerAdmin } from "../src/sim/admin.js"
import { defaultSimOptions, startKisSim } from "../src/sim/server.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const WARMUP = 300
const ORDERS = 4_000
const CONCURRENCY = [1, 4, 16]

const post = (agent: Agent, port: number, route: string, headers: Record<string, string>, body: unknown) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: route, method: "POST", agent, headers: { "content-type": "application/json", ...headers } }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (c: Buffer) => chunks.push(c))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }))
    })
    req.on("error", reject)
    req.end(JSON.stringify(body))
  })

const percentile = (sorted: ReadonlyArray<number>, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

const program = Effect.scoped(Effect.gen(function* () {
  const dataSet = yield* loadDataSet(path.join(root, "data"), { symbols: ["SYN001"], from: tradeDate("2024-01-01"), to: tradeDate("2024-06-28") })
  const sim = yield* startKisSim(defaultSimOptions({
    port: 0, speed: 0, accounts: [{ ...DEMO_ACCOUNT, cash: 1_000_000_000_000 }], requestsPerSecond: undefined, tokenIssueLimit: false,
    dataSet, dataDir: path.join(root, "data"), start: tradeDate("2024-03-04")
  }))
  answerAdmin(sim.admin, "POST", "/sim/admin/clock", { to: "2024-03-04T10:00:00+09:00" })
  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  const token = JSON.parse((yield* Effect.promise(() => post(agent, sim.port, "/oauth2/tokenP", {}, {
    grant_type: "client_credentials", appkey: DEMO_ACCOUNT.appKey, appsecret: DEMO_ACCOUNT.appSecret
  }))).text).access_token as string
  const headers = { authorization: `Bearer ${token}`, appkey: DEMO_ACCOUNT.appKey, appsecret: DEMO_ACCOUNT.appSecret, tr_id: "TTTC0012U", custtype: "P" }
  const order = { CANO: "00000000", ACNT_PRDT_CD: "01", PDNO: "SYN001", ORD_DVSN: "01", ORD_QTY: "1", ORD_UNPR: "0" }
  const roundTrip = async () => {
    const t = performance.now()
    const res = await post(agent, sim.port, "/uapi/domestic-stock/v1/trading/order-cash", headers, order)
    if (!res.text.includes('"rt_cd":"0"')) throw new Error(`order refused: ${res.text}`)
    return performance.now() - t
  }
  const run = (count: number, concurrency: number) => Effect.promise(async () => {
    const latencies: Array<number> = []
    let next = 0
    const started = performance.now()
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next++ < count) latencies.push(await roundTrip())
    }))
    const seconds = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)
    return {
      concurrency,
      orders: latencies.length,
      ordersPerSecond: Math.round(latencies.length / seconds),
      p50Ms: Number(percentile(latencies, 0.5).toFixed(3)),
      p99Ms: Number(percentile(latencies, 0.99).toFixed(3))
    }
  })
  yield* run(WARMUP, 4)
  const results = []
  for (const c of CONCURRENCY) results.push(yield* run(ORDERS, c))
  agent.destroy()
  return {
    bench: "kis-sim order-cash round trips (loopback, keep-alive, rate limit lifted, no state dir)",
    node: process.version,
    results,
    fills: sim.exchange.fills.length
  }
}))

Effect.runPromise(program.pipe(Effect.provide(NodeContext.layer))).then(
  (result) => console.log(JSON.stringify(result, null, 2)),
  (error) => {
    console.error(error)
    process.exitCode = 1
  }
)
