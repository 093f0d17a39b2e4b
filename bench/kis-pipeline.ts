// Measures the KIS client against a loopback server and prints JSON: (1) the latency the pipeline adds to a read
// over bare undici (same pool type, headers, query string built per call, JSON parse), and what @effect/platform's
// undici HttpClient costs for the same read, interleaved round by round after a warm-up, with the limiter set high
// enough never to wait; (2) the limiter's accuracy under 10x overload for 10 s, from the server's own arrival times.
// Run: npm run bench:kis (from the launcher's bundle, as commands run).
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Duration, Effect, Fiber, Layer, Logger, LogLevel } from "effect"
import { createServer } from "node:http"
import { mkdtempSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import path from "node:path"
import { Agent, type Dispatcher } from "undici"
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
const added = (xs: ReadonlyArray<number>, base: ReadonlyArray<number>) => ({
  p50: micros(percentile(xs, 50) - percentile(base, 50)),
  p99: micros(percentile(xs, 99) - percentile(base, 99))
})

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

// (1) The bare baselines and the pipeline, rotating which goes first, then the HttpClient against bare dispatch in a
// run of its own. `request` is the usual undici call (it builds a Readable body stream); `dispatch` is the lower-level
// call the pipeline itself makes, so pipeline minus dispatch is what the pipeline adds. Dispatch is timed twice:
// where its awaiting caller resumes (as every other series is timed, from its caller's side) and, stricter, inside
// undici's end callback, before undici has finished its own handling of the response. Each builds its query string
// per call, as the pipeline does, and its handler is a class: tsx names every closure created per call
// (Object.defineProperty, µs each), and the baseline must not pay for that. Bare series are plain promises.
const bareAgent = new Agent()
const headers = {
  "content-type": "application/json; charset=utf-8", authorization: "Bearer bench-token", appkey: "bench-key",
  appsecret: "bench-secret", tr_id: "FHKST01010100", custtype: "P"
}
/** The flat name/value list undici takes as it is, as the pipeline sends its headers. */
const bareHeaders = Object.entries(headers).flat()
const barePath = (query: Readonly<Record<string, string>>) => {
  let out = ""
  for (const k in query) out += `${out === "" ? "" : "&"}${encodeURIComponent(k)}=${encodeURIComponent(query[k]!)}`
  return `${basicQuotes.inquirePrice.path}?${out}`
}
const bareRequest = async () => {
  const t = performance.now()
  const res = await bareAgent.request({ origin, path: barePath(params), method: "GET", headers: bareHeaders })
  JSON.parse(await res.body.text())
  return performance.now() - t
}
/** Collects and parses the body; resolves with the time from `started` to the end of the response. */
class BareRead implements Dispatcher.DispatchHandler {
  private readonly chunks: Array<Buffer> = []
  constructor(private readonly started: number, private readonly resolve: (ms: number) => void, private readonly reject: (e: Error) => void) {}
  onRequestStart(): void {}
  onResponseStart(): void {}
  onResponseData(_: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk)
  }
  onResponseEnd(): void {
    JSON.parse((this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks)).toString("utf8"))
    this.resolve(performance.now() - this.started)
  }
  onResponseError(_: Dispatcher.DispatchController, e: Error): void {
    this.reject(e)
  }
}
const bareDispatch = (started: number) =>
  new Promise<number>((resolve, reject) => {
    bareAgent.dispatch({ origin, path: barePath(params), method: "GET", headers: bareHeaders }, new BareRead(started, resolve, reject))
  })
const bareDispatchAtEndCallback = () => bareDispatch(performance.now())
const bareDispatchAwaited = async () => {
  const t = performance.now()
  await bareDispatch(t)
  return performance.now() - t
}
/** Runs the reads round by round after a warm-up, rotating which goes first, 1 ms apart: the samples of each, in order. */
const rounds = <E>(runs: ReadonlyArray<Effect.Effect<number, E>>) =>
  Effect.gen(function* () {
    const samples = runs.map((): Array<number> => [])
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      for (let k = 0; k < runs.length; k++) {
        const which = (i + k) % runs.length
        const took = yield* runs[which]!
        if (i >= WARMUP) samples[which]!.push(took)
      }
      yield* Effect.sleep("1 millis")
    }
    return samples
  })
const overhead = await Effect.runPromise(Effect.gen(function* () {
  const kis = yield* KisClient
  yield* kis.accessToken
  const http = yield* HttpClient.HttpClient
  const pipelineRead = Effect.suspend(() => {
    const t = performance.now()
    return Effect.map(kis.call(basicQuotes.inquirePrice, params), () => performance.now() - t)
  })
  // The HttpClient at its cheapest: spans off, the request built per call like the pipeline's.
  const httpClientRead = Effect.suspend(() => {
    const t = performance.now()
    const request = HttpClientRequest.get(origin + basicQuotes.inquirePrice.path, { urlParams: params, headers })
    return Effect.map(Effect.flatMap(http.execute(request), (res) => res.text), (text) => (JSON.parse(text), performance.now() - t))
  }).pipe(Effect.withTracerEnabled(false))
  const [request, dispatch, dispatchAtEnd, piped] = (yield* rounds([
    Effect.promise(bareRequest), Effect.promise(bareDispatchAwaited), Effect.promise(bareDispatchAtEndCallback), pipelineRead
  ])) as [Array<number>, Array<number>, Array<number>, Array<number>]
  // A run of its own, so the HttpClient's larger code path does not evict the others' between their requests.
  const [httpClient, httpClientBase] = (yield* rounds([httpClientRead, Effect.promise(bareDispatchAwaited)])) as [Array<number>, Array<number>]
  return { request, dispatch, dispatchAtEnd, piped, paired: piped.map((t, i) => t - dispatch[i]!), httpClient, httpClientBase }
}).pipe(Effect.provide(Layer.merge(clientLayer(UNLIMITED_RATE), NodeHttpClient.layerUndici)), Logger.withMinimumLogLevel(LogLevel.Warning)))
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
  /** 1-minute load average when the run ended (2 cores on the reference machine): figures are only as quiet as this. */
  loadAverage: round(loadavg()[0]!),
  readOverhead: {
    samples: SAMPLES,
    warmup: WARMUP,
    bareUndiciRequestUs: summary(overhead.request),
    bareUndiciDispatchUs: summary(overhead.dispatch),
    bareUndiciDispatchAtEndCallbackUs: summary(overhead.dispatchAtEnd),
    pipelineUs: summary(overhead.piped),
    /** Percentile of the pipeline minus the same percentile of bare undici dispatch (the call the pipeline makes). */
    addedUs: added(overhead.piped, overhead.dispatch),
    /** Percentiles of the per-round difference: pipeline read minus the bare dispatch read of the same round. */
    pairedAddedUs: summary(overhead.paired),
    /** Against dispatch timed inside undici's end callback: also charges undici's own work after it to the pipeline. */
    addedOverEndCallbackUs: added(overhead.piped, overhead.dispatchAtEnd),
    /** Against undici's `request` API instead (negative: the pipeline is cheaper than that call). */
    addedOverRequestUs: added(overhead.piped, overhead.request),
    /** @effect/platform's undici HttpClient for the same read (tracer off), and what it adds over bare dispatch. */
    httpClientUs: summary(overhead.httpClient),
    httpClientAddedUs: added(overhead.httpClient, overhead.httpClientBase)
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
