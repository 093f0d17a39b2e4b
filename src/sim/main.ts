// `npm run sim`: the kis-sim command line. Parses the flags, starts the server, prints its URLs and the credentials to
// use, and runs until SIGINT/SIGTERM, when the scope closes (sessions dropped, state written) and the process exits.
import { Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Either, Option } from "effect"
import { makeTradeDate } from "../domain/Time.js"
import { type AccountSpec, DEMO_ACCOUNT, parseAccounts } from "./accounts.js"
import { kstIso } from "./admin.js"
import { SimConfigError } from "./errors.js"
import { noFaults } from "./faults.js"
import { noticeTrOf } from "./realtime.js"
import { defaultSimOptions, DEFAULT_REQUESTS_PER_SECOND, startKisSim } from "./server.js"

const port = Options.integer("port").pipe(Options.withDefault(9443), Options.withDescription("TCP port on 127.0.0.1 (0 = any free port)"))
const profile = Options.choice("profile", ["real", "mock"]).pipe(Options.withDefault("real" as const),
  Options.withDescription("which KIS server to imitate: real (20 req/s, every endpoint) or mock (2 req/s, 모의투자 coverage)"))
const data = Options.text("data").pipe(Options.withDefault("data"), Options.withDescription("history folder in KIS shapes"))
const start = Options.text("start").pipe(Options.optional, Options.withDescription("first replayed day YYYY-MM-DD"))
const speed = Options.float("speed").pipe(Options.withDefault(60), Options.withDescription("market seconds per wall second; 0 = clock moves only via /sim/admin/clock"))
const accounts = Options.text("accounts").pipe(Options.optional, Options.withDescription("JSON file of [{appKey, appSecret, accountNo, htsId, name?, cash?}]"))
const state = Options.text("state").pipe(Options.optional, Options.withDescription("folder where cash, positions, orders and fills are kept across restarts"))
const rateLimit = Options.text("rate-limit").pipe(Options.optional, Options.withDescription("requests per second per app key, or off (default 20 real, 2 mock)"))
const noTokenLimit = Options.boolean("no-token-limit").pipe(Options.withDescription("allow more than one token issuance a minute"))

const readAccounts = (file: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(file).pipe(Effect.mapError((e) => new SimConfigError({ setting: `--accounts ${file}`, problem: e.message })))
    return yield* parseAccounts(file, text)
  })

const command = Command.make("kis-sim", { port, profile, data, start, speed, accounts, state, rateLimit, noTokenLimit }, (args) =>
  Effect.scoped(Effect.gen(function* () {
    const startDate = Option.isNone(args.start) ? undefined : yield* Either.mapLeft(makeTradeDate(args.start.value, "--start"),
      (e) => new SimConfigError({ setting: "--start", problem: e.message }))
    const specs: ReadonlyArray<AccountSpec> = Option.isNone(args.accounts) ? [DEMO_ACCOUNT] : yield* readAccounts(args.accounts.value)
    const limitText = Option.getOrUndefined(args.rateLimit)
    const rps = limitText === undefined ? DEFAULT_REQUESTS_PER_SECOND[args.profile] : limitText === "off" ? undefined : Number(limitText)
    if (rps !== undefined && !(rps > 0)) return yield* new SimConfigError({ setting: "--rate-limit", problem: "expected a positive number or off" })
    if (!(args.speed >= 0)) return yield* new SimConfigError({ setting: "--speed", problem: "expected a number ≥ 0" })
    const sim = yield* startKisSim(defaultSimOptions({
      port: args.port, profile: args.profile, dataDir: args.data, start: startDate, speed: args.speed, accounts: specs,
      stateDir: Option.getOrUndefined(args.state), requestsPerSecond: rps, tokenIssueLimit: !args.noTokenLimit, faults: noFaults()
    }))
    const first = specs[0]!
    yield* Console.log([
      `kis-sim (${args.profile} profile) listening`,
      `  REST       ${sim.url}`,
      `  WebSocket  ${sim.wsUrl}  (any path; notices on ${noticeTrOf(args.profile)})`,
      `  admin      ${sim.url}/sim/admin/state`,
      `  market     ${kstIso(sim.exchange.now)}  speed ${args.speed}×  data ${sim.exchange.market.firstDate} … ${sim.exchange.market.lastDate}`,
      ``,
      `Credentials${Option.isNone(args.accounts) ? " (demo account; the KIS client's KIS_ENV=sim defaults)" : ` (first of ${specs.length} accounts)`}:`,
      `  KIS_ENV=sim`,
      `  KIS_BASE_URL=${sim.url}`,
      `  KIS_WS_URL=${sim.wsUrl}`,
      `  KIS_APP_KEY=${first.appKey}`,
      `  KIS_APP_SECRET=${first.appSecret}`,
      `  KIS_ACCOUNT_NO=${first.accountNo}`,
      `  KIS_HTS_ID=${first.htsId}`,
      ``,
      `Ctrl-C stops it${Option.isSome(args.state) ? `; state is kept in ${args.state.value}` : ""}.`
    ].join("\n"))
    return yield* Effect.never
  })))

const cli = Command.run(command, { name: "kis-sim", version: "0.1.0" })

cli(process.argv).pipe(
  // Bad flags, accounts, data or state: one clear line and exit code 1, no stack trace.
  Effect.catchTags({
    SimConfigError: (e) => Console.error(e.message).pipe(Effect.zipRight(Effect.sync(() => { process.exitCode = 1 }))),
    SimStateError: (e) => Console.error(e.message).pipe(Effect.zipRight(Effect.sync(() => { process.exitCode = 1 })))
  }),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain
)
