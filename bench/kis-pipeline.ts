// Measures the KIS client against a loopback server and prints JSON: (1) the latency the pipeline adds to a read
// over bare undici (same pool type, headers, query and JSON parse), interleaved round by round after a warm-up,
// with the limiter set high enough never to wait; (2) the limiter's accuracy under 10x overload for 10 s,
// from the server's own arrival times. Run: npx tsx bench/kis-pipeline.ts
import { Duration, Effect, Fiber, Layer, Logger, LogLevel } from "effect"
import { createServer } from "node:http"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { Agent } from "undici"
import { basicQuotes } from "../src/kis/catalog/index.js"
import { DEFAULT_READ_RETRY, KisClient, KisClientOptions } from "../src/kis/KisClient.js"
import { kisConfigFrom } from "../src/kis/KisConfig.js"
import { DEFAULT_WINDOW_MARGIN } from "../src/kis/rateLimit.js"
import { DEFAULT_TOKEN_POLICY } from "../src/kis/token.js"

const WARMUP = 500
const SAMPLES = 3000
/** The overhead run must never wait for the limiter: its window holds far more than the requests of one second. */
const UNLIMITED_RATE = 20_000
const OVERLOAD_SECONDS = 10
const LIMIT = 20

const PRICE_BODY = JSON.stringify({
  rt_cd: "0", msg_cd: "MCA00000", msg1: "정상처리 되었습니다.",
  output: Object.fromEntries(basicQuotes.inquirePrice.blocks.output[1].map((field, i) => [field, String(71900 + i)]))
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
const origin = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
const tokenDir = mkdtempSync(path.join(tmpdir(), "kis-bench-"))
const params = { FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: "005930" }

const percentile = (xs: ReadonlyArray<number>, p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}
const micros = (ms: number) => Math.round(ms * 10_000) / 10
const round = (x: number) => Math.round(x * 1000) / 1000
const summary = (xs: ReadonlyArray<number>) => ({ p50: micros(percentile(xs, 50)), p99: micros(percentile(xs, 99)) })

const clientLayer = (rps: number) =>
  KisClient.Default.pipe(
    Layer.provide(kisConfigFrom({
      KIS_ENV: "real", KIS_APP_KEY: "bench-key", KIS_APP_SECRET: "bench-secret", KIS_ACCOUNT_NO: "12345678-01",
      KIS_BASE_URL: origin, KIS_TOKEN_DIR: tokenDir, KIS_REQUESTS_PER_SECOND: String(rps)
    })),
    Layer.provide(Layer.succeed(KisClientOptions, {
      tokenPolicy: DEFAULT_TOKEN_POLICY, readRetry: DEFAULT_READ_RETRY, requestTimeout: Duration.seconds(10), useHashkey: false, maxPages: 10
    }))
  )

// (1) Two baselines and the pipeline, rotating which goes first. `request` is the usual undici call (it builds a
// Readable body stream); `dispatch` is the lower-level call the pipeline itself makes, so pipeline minus dispatch
// is exactly what the pipeline adds. Bare times are taken inside their promise: awaiting them from Effect is free.
const bareAgent = new Agent()
const barePath = `${basicQuotes.inquirePrice.path}?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930`
const bareHeaders = {
  "content-type": "application/json; charset=utf-8", authorization: "Bearer bench-token", appkey: "bench-key",
  appsecret: "bench-secret", tr_id: "FHKST01010100", custtype: "P"
}
const bareRequest = async () => {
  const t = performance.now()
  const res = await bareAgent.request({ origin, path: barePath, method: "GET", headers: bareHeaders })
  JSON.parse(await res.body.text())
  return performance.now() - t
}
const bareDispatch = () =>
  new Promise<number>((resolve, reject) => {
    const t = performance.now()
    const chunks: Array<Buffer> = []
    bareAgent.dispatch({ origin, path: barePath, method: "GET", headers: bareHeaders }, {
      onRequestStart: () => {},
      onResponseStart: () => {},
      onResponseData: (_, chunk) => void chunks.push(chunk),
      onResponseEnd: () => {
        JSON.parse(Buffer.concat(chunks).toString("utf8"))
        resolve(performance.now() - t)
      },
      onResponseError: (_, e) => reject(e)
    })
  })
const overhead = await Effect.runPromise(Effect.gen(function* () {
  const kis = yield* KisClient
  yield* kis.accessToken
  const pipelineRead = Effect.suspend(() => {
    const t = performance.now()
    return Effect.map(kis.call(basicQuotes.inquirePrice, params), () => performance.now() - t)
  })
  const runs = [Effect.promise(bareRequest), Effect.promise(bareDispatch), pipelineRead] as const
  const samples: [Array<number>, Array<number>, Array<number>] = [[], [], []]
  const paired: Array<number> = []
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const took = [0, 0, 0]
    for (let k = 0; k < 3; k++) {
      const which = (i + k) % 3
      took[which] = yield* runs[which]!
    }
    if (i >= WARMUP) {
      for (let k = 0; k < 3; k++) samples[k]!.push(took[k]!)
      paired.push(took[2]! - took[1]!)
    }
    yield* Effect.sleep("1 millis")
  }
  return { request: samples[0], dispatch: samples[1], piped: samples[2], paired }
}).pipe(Effect.provide(clientLayer(UNLIMITED_RATE)), Logger.withMinimumLogLevel(LogLevel.Warning)))
await bareAgent.close()

// (2) 10x overload: offer LIMIT*10 requests/s for OVERLOAD_SECONDS, count what reaches the server
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
const maxInAnyWindow = (times: ReadonlyArray<number>) => {
  let best = 0
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++
    best = Math.max(best, i - j + 1)
  }
  return best
}

server.close()
rmSync(tokenDir, { recursive: true, force: true })
console.log(JSON.stringify({
  node: process.version,
  readOverhead: {
    samples: SAMPLES,
    warmup: WARMUP,
    bareUndiciRequestUs: summary(overhead.request),
    bareUndiciDispatchUs: summary(overhead.dispatch),
    pipelineUs: summary(overhead.piped),
    /** Percentile of the pipeline minus the same percentile of bare undici dispatch (the call the pipeline makes). */
    addedUs: {
      p50: micros(percentile(overhead.piped, 50) - percentile(overhead.dispatch, 50)),
      p99: micros(percentile(overhead.piped, 99) - percentile(overhead.dispatch, 99))
    },
    /** Percentiles of the per-round difference: pipeline read minus the bare dispatch read of the same round. */
    pairedAddedUs: summary(overhead.paired),
    /** Against undici's `request` API instead (negative: the pipeline is cheaper than that call). */
    addedOverRequestUs: {
      p50: micros(percentile(overhead.piped, 50) - percentile(overhead.request, 50)),
      p99: micros(percentile(overhead.piped, 99) - percentile(overhead.request, 99))
    }
  },
  limiterUnderOverload: {
    limitPerSecond: LIMIT,
    offeredPerSecond: LIMIT * 10,
    seconds: OVERLOAD_SECONDS,
    windowMarginMs: Duration.toMillis(DEFAULT_WINDOW_MARGIN),
    maxRequestsInAnyOneSecondWindow: maxInAnyWindow(arrivals),
    sustainedRatePerSecond: round(inWindow.length / OVERLOAD_SECONDS),
    sustainedPctOfLimit: round((inWindow.length / OVERLOAD_SECONDS / LIMIT) * 100),
    wallSeconds: round((performance.now() - started) / 1000)
  }
}, null, 2))
