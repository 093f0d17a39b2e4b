// Starts kis-sim for a scope: loads the data, restores state, serves KIS REST and the realtime WebSocket on one
// @effect/platform Node HTTP server on 127.0.0.1, runs the clock, keep-alives and state writer as scoped fibers,
// and writes the state a last time when the scope closes.
import { FileSystem, HttpServer, HttpServerRequest, HttpServerResponse, Path } from "@effect/platform"
import { NodeHttpServer, NodeHttpServerRequest } from "@effect/platform-node"
import { Effect, Queue, Schedule } from "effect"
import { createServer } from "node:http"
import { gunzipSync } from "node:zlib"
import type { DataSet } from "../backtest/data/DataSet.js"
import { loadDataSet } from "../backtest/data/load.js"
import { KRX_COSTS } from "../domain/krx/costs.js"
import type { Instant, TradeDate } from "../domain/Time.js"
import { addDays } from "../domain/Time.js"
import { atomicWrite } from "../persistence/atomicWrite.js"
import type { MatchRules } from "../backtest/matching/matchOrder.js"
import type { AccountSpec } from "./accounts.js"
import { type AdminContext, answerAdmin, kstIso } from "./admin.js"
import { advanceBySpeed, replayStart } from "./clock.js"
import { SimConfigError, SimStateError } from "./errors.js"
import { type ExchangeSnapshot, KisSimExchange } from "./exchange.js"
import { type Faults, noFaults } from "./faults.js"
import { Gateway, type GatewaySnapshot } from "./gateway.js"
import { MarketReplay } from "./market.js"
import type { Profile } from "./messages.js"
import { RealtimeHub } from "./realtime.js"
import { makeSimRequest } from "./request.js"
import type { RawFinance } from "./responses/info.js"
import { answerRest, badJsonOutcome, type RestOutcome, type SimCore } from "./rest.js"

export interface SimOptions {
  /** 0 = any free port. */
  readonly port: number
  readonly host: string
  readonly profile: Profile
  readonly dataDir: string
  /** An already loaded data set (tests share one); `dataDir` is still read for statements. */
  readonly dataSet?: DataSet
  /** First replayed day (the first trading day on or after it); default one year before the data ends. */
  readonly start: TradeDate | undefined
  /** Market ms per wall ms (60 = a market minute per second); 0 = the clock moves only by /sim/admin/clock. */
  readonly speed: number
  readonly accounts: ReadonlyArray<AccountSpec>
  /** Folder of the state file; undefined = nothing persisted. */
  readonly stateDir: string | undefined
  /** Per app key; undefined = unlimited. */
  readonly requestsPerSecond: number | undefined
  readonly tokenIssueLimit: boolean
  readonly pingIntervalMs: number
  readonly rules: MatchRules
  readonly faults: Faults
}

export const DEFAULT_SIM_RULES: MatchRules = { limitLock: true, volumeCap: 0.25, slippage: { _tag: "none" }, limitFill: "through" }
export const DEFAULT_REQUESTS_PER_SECOND: Record<Profile, number> = { real: 20, mock: 2 }
export const STATE_FILE = "kis-sim-state.json"
const CLOCK_TICK_MS = 100
const STATE_WRITE_SPACING = "200 millis"

export interface KisSimHandle {
  readonly port: number
  readonly url: string
  readonly wsUrl: string
  readonly exchange: KisSimExchange
  readonly gateway: Gateway
  readonly faults: Faults
  readonly hub: RealtimeHub
  readonly admin: AdminContext
}

interface StateFile {
  readonly exchange: ExchangeSnapshot
  readonly gateway: GatewaySnapshot
}

const FINANCE_FILE = /^([0-9A-Z]{6})\.json(\.gz)?$/

/** Raw statement files of the data folder, by code (the finance APIs answer with their KIS rows). */
const loadFinance = (dir: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const folder = path.join(dir, "finance")
    const out = new Map<string, RawFinance>()
    if (!(yield* fs.exists(folder).pipe(Effect.orElseSucceed(() => false)))) return out
    for (const name of yield* fs.readDirectory(folder).pipe(Effect.orElseSucceed(() => []))) {
      const m = FINANCE_FILE.exec(name)
      if (m === null) continue
      const file = path.join(folder, name)
      const bytes = yield* fs.readFile(file).pipe(Effect.mapError((e) => new SimConfigError({ setting: file, problem: e.message })))
      const text = new TextDecoder().decode(m[2] === undefined ? bytes : gunzipSync(bytes))
      const parsed = yield* Effect.try({ try: () => JSON.parse(text) as RawFinance, catch: (e) => new SimConfigError({ setting: file, problem: `not JSON: ${String(e)}` }) })
      out.set(m[1]!, parsed)
    }
    return out
  })

/** Raw rows of the data folder's universe.json, by code (search-stock-info answers with what the loader does not keep). */
const loadUniverseRows = (dir: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const file = path.join(dir, "universe.json")
    const out = new Map<string, Readonly<Record<string, string>>>()
    if (!(yield* fs.exists(file).pipe(Effect.orElseSucceed(() => false)))) return out
    const text = yield* fs.readFileString(file).pipe(Effect.mapError((e) => new SimConfigError({ setting: file, problem: e.message })))
    const rows = yield* Effect.try({
      try: () => JSON.parse(text) as ReadonlyArray<Record<string, string>>,
      catch: (e) => new SimConfigError({ setting: file, problem: `not JSON: ${String(e)}` })
    })
    for (const row of Array.isArray(rows) ? rows : []) if (typeof row["pdno"] === "string") out.set(row["pdno"].slice(-6), row)
    return out
  })

const readState = (file: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    if (!(yield* fs.exists(file).pipe(Effect.orElseSucceed(() => false)))) return undefined
    const text = yield* fs.readFileString(file).pipe(Effect.mapError((e) => new SimStateError({ file, problem: e.message })))
    return yield* Effect.try({
      try: () => {
        const s = JSON.parse(text) as StateFile
        if (s.exchange?.version !== 1 || !Array.isArray(s.exchange.orders)) throw new Error("not a kis-sim state file (version 1)")
        return s
      },
      catch: (e) => new SimStateError({ file, problem: e instanceof Error ? e.message : String(e) })
    })
  })

/** Starts kis-sim; it runs until the scope closes. */
export const startKisSim = (options: SimOptions) =>
  Effect.gen(function* () {
    const path = yield* Path.Path
    const data = options.dataSet ?? (yield* loadDataSet(options.dataDir).pipe(
      Effect.mapError((e) => new SimConfigError({ setting: "--data", problem: e.message }))))
    const market = yield* Effect.try({ try: () => new MarketReplay(data), catch: (e) => new SimConfigError({ setting: "--data", problem: String(e) }) })
    const finance = yield* loadFinance(options.dataDir)
    const universe = yield* loadUniverseRows(options.dataDir)
    const start = replayStart(options.start ?? addDays(market.lastDate, -365))
    if (options.start !== undefined && (options.start < market.firstDate || options.start > market.lastDate)) {
      return yield* new SimConfigError({ setting: "--start", problem: `must lie within the data, ${market.firstDate} … ${market.lastDate}` })
    }
    const exchange = new KisSimExchange(market, options.accounts, { profile: options.profile, rules: options.rules, costs: KRX_COSTS }, start)
    const gateway = new Gateway({ requestsPerSecond: options.requestsPerSecond, tokenIssueLimit: options.tokenIssueLimit })
    const stateFile = options.stateDir === undefined ? undefined : path.join(options.stateDir, STATE_FILE)
    if (stateFile !== undefined) {
      const saved = yield* readState(stateFile)
      if (saved !== undefined) {
        exchange.restore(saved.exchange)
        gateway.restore(saved.gateway)
      }
    }
    const faults = options.faults
    const core: SimCore = { ex: exchange, gateway, profile: options.profile, finance, universe, faults }

    // Delayed notices: sent by a fiber of this scope, never by a timer outside it.
    const delayed = yield* Queue.unbounded<{ readonly due: number; readonly send: () => void }>()
    const hub = new RealtimeHub(exchange, gateway, options.profile, faults, (delayMs, send) => {
      Queue.unsafeOffer(delayed, { due: Date.now() + delayMs, send })
    })
    yield* Queue.take(delayed).pipe(
      Effect.flatMap((job) => Effect.sleep(Math.max(0, job.due - Date.now())).pipe(Effect.as(job))),
      Effect.tap((job) => Effect.sync(job.send)),
      Effect.forever,
      Effect.forkScoped
    )

    // State: written (atomically) shortly after every change, and once more at shutdown.
    if (stateFile !== undefined) {
      const dirty = yield* Queue.sliding<void>(1)
      const write = Effect.suspend(() => atomicWrite(stateFile, JSON.stringify({ exchange: exchange.snapshot(), gateway: gateway.snapshot() } satisfies StateFile)))
      exchange.onChange(() => Queue.unsafeOffer(dirty, undefined))
      gateway.onChange = () => Queue.unsafeOffer(dirty, undefined)
      yield* Effect.addFinalizer(() => write.pipe(Effect.catchAllCause((c) => Effect.logError("kis-sim: final state write failed", c))))
      yield* Queue.take(dirty).pipe(
        Effect.zipRight(write),
        Effect.zipRight(Effect.sleep(STATE_WRITE_SPACING)),
        Effect.catchAllCause((c) => Effect.logError("kis-sim: state write failed", c)),
        Effect.forever,
        Effect.forkScoped
      )
    }

    const admin: AdminContext = { core, hub, speed: options.speed }
    let lastTick = Date.now()
    yield* Effect.sync(() => {
      const wall = Date.now()
      const elapsed = wall - lastTick
      lastTick = wall
      if (admin.speed > 0) exchange.advanceTo(advanceBySpeed(exchange.now, elapsed, admin.speed, market.lastDate))
    }).pipe(
      Effect.catchAllCause((c) => Effect.logError("kis-sim: clock tick failed", c)),
      Effect.repeat(Schedule.spaced(CLOCK_TICK_MS)),
      Effect.annotateLogs({ fiber: "kis-sim clock" }),
      Effect.forkScoped
    )
    yield* Effect.sync(() => hub.ping()).pipe(
      Effect.repeat(Schedule.spaced(options.pingIntervalMs)),
      Effect.forkScoped
    )

    const app = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const incoming = NodeHttpServerRequest.toIncomingMessage(request)
      const text = yield* request.text.pipe(Effect.orElseSucceed(() => ""))
      // Written to the Node response directly: @effect/platform lower-cases header names, KIS spells Content-Type.
      const response = NodeHttpServerRequest.toServerResponse(request)
      const send = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}) =>
        Effect.sync(() => {
          response.writeHead(status, { "Content-Type": "application/json; charset=UTF-8", ...headers })
          response.end(JSON.stringify(body))
        })
      if (request.url.startsWith("/sim/admin")) {
        let body: unknown
        try {
          body = text.trim() === "" ? {} : JSON.parse(text)
        } catch {
          yield* send(400, { error: "body must be JSON" })
          return HttpServerResponse.empty()
        }
        const reply = answerAdmin(admin, request.method, new URL(request.url, "http://127.0.0.1").pathname, body)!
        yield* send(reply.status, reply.body)
        return HttpServerResponse.empty()
      }
      if (faults.latencyMs > 0) yield* Effect.sleep(faults.latencyMs)
      const req = makeSimRequest(request.method, request.url, incoming.headers, text)
      const outcome: RestOutcome = "badJson" in req ? badJsonOutcome : answerRest(core, req, Date.now())
      if (outcome._tag === "Drop") {
        incoming.socket.destroy()
        return yield* Effect.never // interrupted by the closed connection
      }
      yield* send(outcome.reply.status, outcome.reply.body, outcome.headers)
      return HttpServerResponse.empty()
    })

    const nodeServer = createServer({ keepAliveTimeout: 65_000, noDelay: true })
    const server = yield* NodeHttpServer.make(() => nodeServer, { port: options.port, host: options.host })
    // Runs before the server's own close, which would otherwise wait for upgraded and kept-alive sockets forever.
    yield* Effect.addFinalizer(() => Effect.sync(() => {
      hub.close()
      nodeServer.closeAllConnections()
    }))
    yield* HttpServer.serveEffect(app).pipe(Effect.provideService(HttpServer.HttpServer, server))
    // WebSocket upgrades (any path) go to the realtime hub on the same port, not through the HTTP app.
    nodeServer.removeAllListeners("upgrade")
    nodeServer.on("upgrade", (req, socket, head) => hub.upgrade(req, socket, head))
    const address = server.address
    const port = address._tag === "TcpAddress" ? address.port : 0
    const handle: KisSimHandle = {
      port,
      url: `http://${options.host}:${port}`,
      wsUrl: `ws://${options.host}:${port}`,
      exchange, gateway, faults, hub, admin
    }
    yield* Effect.logDebug(`kis-sim listening on ${handle.url}, market time ${kstIso(exchange.now as Instant)}`)
    return handle
  })

/** The options of a plain `npm run sim`: demo account, real profile, KIS rate limits, clock at 60×. */
export const defaultSimOptions = (overrides: Partial<SimOptions> & Pick<SimOptions, "accounts">): SimOptions => ({
  port: 9443,
  host: "127.0.0.1",
  profile: "real",
  dataDir: "data",
  start: undefined,
  speed: 60,
  stateDir: undefined,
  requestsPerSecond: DEFAULT_REQUESTS_PER_SECOND[overrides.profile ?? "real"],
  tokenIssueLimit: true,
  pingIntervalMs: 10_000,
  rules: DEFAULT_SIM_RULES,
  faults: noFaults(),
  ...overrides
})
