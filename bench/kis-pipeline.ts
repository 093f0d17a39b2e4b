// Measures the KIS client against a loopback server and prints JSON: (1) the latency the pipeline adds to a read
// over a bare undici request, both paced below the rate limit so the limiter never waits; (2) the limiter's accuracy
// under 10x overload for 10 s, from the server's own arrival times. Run: npx tsx bench/kis-pipeline.ts
import { NodeHttpClient } from "@effect/platform-node"
import { Duration, Effect, Fiber, Layer, Logger, LogLevel } from "effect"
import { createServer } from "node:http"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { request } from "undici"
import { basicQuotes } from "../src/kis/catalog/index.js"
import { DEFAULT_READ_RETRY, KisClient, KisClientOptions } from "../src/kis/KisClient.js"
import { kisConfigFrom } from "../src/kis/KisConfig.js"
import { DEFAULT_TOKEN_POLICY } from "../src/kis/token.js"

const SAMPLES = 1000
const PACE_MS = 6
const OVERLOAD_SECONDS = 10
const LIMIT = 20

const PRICE_BODY = JSON.stringify({
  rt_cd: "0", msg_cd: "MCA00000", msg1: "정상처리 되었습니다.",
  output: Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`field_${i}`, String(71900 + i)]).concat([["stck_prpr", "71900"]]))
})
const arrivals: Array<number> = []
const server = createServer((req, res) => {
  req.resume()
  req.on("end", () => {
    res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", tr_cont: "" })
    if (req.url?.startsWith("/oauth2/tokenP")) return res.end(JSON.stringify({ access_token: "bench-token", token_type: "Bearer", expires_in: 86400 }))
    arrivals.push(performance.now())
    res.end(PRICE_BODY)
  })
})
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
const address = server.address()
const base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
const tokenDir = mkdtempSync(path.join(tmpdir(), "kis-bench-"))
const pricePath = `${basicQuotes.inquirePrice.path}?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930`

const percentile = (xs: ReadonlyArray<number>, p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}
const round = (x: number) => Math.round(x * 1000) / 1000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// (1a) bare undici: same request, headers and JSON parse, no pipeline
const bare: Array<number> = []
for (let i = 0; i < SAMPLES + 100; i++) {
  const t = performance.now()
  const res = await request(base + pricePath, {
    headers: { "content-type": "application/json; charset=utf-8", authorization: "Bearer bench-token", appkey: "k", appsecret: "s", tr_id: "FHKST01010100", custtype: "P" }
  })
  JSON.parse(await res.body.text())
  if (i >= 100) bare.push(performance.now() - t)
  await sleep(PACE_MS)
}

const clientLayer = (rps: number) =>
  KisClient.Default.pipe(
    Layer.provide(kisConfigFrom({
      KIS_ENV: "real", KIS_APP_KEY: "bench-key", KIS_APP_SECRET: "bench-secret", KIS_ACCOUNT_NO: "12345678-01",
      KIS_BASE_URL: base, KIS_TOKEN_DIR: tokenDir, KIS_REQUESTS_PER_SECOND: String(rps)
    })),
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.provide(Layer.succeed(KisClientOptions, {
      tokenPolicy: DEFAULT_TOKEN_POLICY, readRetry: DEFAULT_READ_RETRY, requestTimeout: Duration.seconds(10), useHashkey: false, maxPages: 10
    }))
  )
const params = { FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: "005930" }

// (1b) the pipeline, paced below its limit (limiter slots every 1000/200 = 5 ms < 6 ms pacing)
const piped = await Effect.runPromise(Effect.gen(function* () {
  const kis = yield* KisClient
  const out: Array<number> = []
  for (let i = 0; i < SAMPLES + 100; i++) {
    const t = performance.now()
    yield* kis.call(basicQuotes.inquirePrice, params)
    if (i >= 100) out.push(performance.now() - t)
    yield* Effect.sleep(PACE_MS)
  }
  return out
}).pipe(Effect.provide(clientLayer(200)), Logger.withMinimumLogLevel(LogLevel.Warning)))

// (2) 10x overload: offer LIMIT*10 requests/s for OVERLOAD_SECONDS, count what reaches the server
arrivals.length = 0
const started = performance.now()
await Effect.runPromise(Effect.gen(function* () {
  const kis = yield* KisClient
  yield* kis.accessToken // issue the token outside the measured window
  arrivals.length = 0
  const fibers: Array<Fiber.RuntimeFiber<unknown, unknown>> = []
  for (let i = 0; i < LIMIT * 10 * OVERLOAD_SECONDS; i++) {
    fibers.push(yield* Effect.fork(kis.call(basicQuotes.inquirePrice, params)))
    yield* Effect.sleep(Duration.millis(1000 / (LIMIT * 10)))
  }
  yield* Fiber.interruptAll(fibers)
}).pipe(Effect.provide(clientLayer(LIMIT)), Logger.withMinimumLogLevel(LogLevel.Warning)))
const inWindow = arrivals.filter((t) => t - arrivals[0]! < OVERLOAD_SECONDS * 1000)
let maxInOneSecond = 0
for (let i = 0, j = 0; i < inWindow.length; i++) {
  while (inWindow[i]! - inWindow[j]! >= 1000) j++
  maxInOneSecond = Math.max(maxInOneSecond, i - j + 1)
}

server.close()
rmSync(tokenDir, { recursive: true, force: true })
console.log(JSON.stringify({
  node: process.version,
  readOverhead: {
    samples: SAMPLES,
    bareUndiciMs: { p50: round(percentile(bare, 50)), p99: round(percentile(bare, 99)) },
    pipelineMs: { p50: round(percentile(piped, 50)), p99: round(percentile(piped, 99)) },
    addedMs: { p50: round(percentile(piped, 50) - percentile(bare, 50)), p99: round(percentile(piped, 99) - percentile(bare, 99)) }
  },
  limiterUnderOverload: {
    limitPerSecond: LIMIT,
    offeredPerSecond: LIMIT * 10,
    seconds: OVERLOAD_SECONDS,
    maxRequestsInAnyOneSecondWindow: maxInOneSecond,
    sustainedRatePerSecond: round(inWindow.length / OVERLOAD_SECONDS),
    sustainedPctOfLimit: round((inWindow.length / OVERLOAD_SECONDS / LIMIT) * 100),
    wallSeconds: round((performance.now() - started) / 1000)
  }
}, null, 2))
