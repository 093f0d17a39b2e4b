// KIS connection settings from the environment and a `.env` file (environment variables win): which server
// (kis-sim, the KIS mock, or real KIS), credentials and account as Redacted values, and the request rate.
import { Config, Context, Effect, Either, Layer, Option, Redacted } from "effect"
import { readFile } from "node:fs/promises"
import { homedir } from "node:os"
import path from "node:path"
import { KisConfigurationError } from "./errors.js"

export type KisEnv = "sim" | "mock" | "real"

/** Port kis-sim listens on by default; `KIS_ENV=sim` points the client at 127.0.0.1 on it. */
export const KIS_SIM_DEFAULT_PORT = 9443

export const KIS_DEFAULT_URLS: Record<KisEnv, { readonly rest: string; readonly ws: string }> = {
  real: { rest: "https://openapi.koreainvestment.com:9443", ws: "ws://ops.koreainvestment.com:21000" },
  mock: { rest: "https://openapivts.koreainvestment.com:29443", ws: "ws://ops.koreainvestment.com:31000" },
  sim: { rest: `http://127.0.0.1:${KIS_SIM_DEFAULT_PORT}`, ws: `ws://127.0.0.1:${KIS_SIM_DEFAULT_PORT}` }
}

/** KIS allows 20 requests/s per app key on real and 2/s on mock; kis-sim mirrors real. */
export const KIS_DEFAULT_REQUESTS_PER_SECOND: Record<KisEnv, number> = { real: 20, mock: 2, sim: 20 }

/** kis-sim's demo account, so paper trading on it needs no KIS account (and receives realtime fill notices). */
const SIM_PLACEHOLDERS: Record<string, string> = {
  KIS_APP_KEY: "sim-app-key",
  KIS_APP_SECRET: "sim-app-secret",
  KIS_ACCOUNT_NO: "00000000-01",
  KIS_HTS_ID: "simuser"
}

export interface KisSettings {
  readonly env: KisEnv
  readonly appKey: Redacted.Redacted<string>
  readonly appSecret: Redacted.Redacted<string>
  /** 종합계좌번호 (`CANO`, 8 digits): the first part of `12345678-01`. */
  readonly accountNumber: Redacted.Redacted<string>
  /** 계좌상품코드 (`ACNT_PRDT_CD`, 2 digits): `01` for a comprehensive securities account. */
  readonly accountProductCode: string
  /** HTS login id: the `tr_key` of the realtime fill-notice subscription. */
  readonly htsId: Option.Option<string>
  readonly baseUrl: string
  readonly wsUrl: string
  readonly requestsPerSecond: number
  readonly custType: "P" | "B"
  /** Where access tokens are cached between runs (one file per environment and app key). */
  readonly tokenDir: string
}

export class KisConfig extends Context.Tag("trader/KisConfig")<KisConfig, KisSettings>() {}

/** Every variable `parseKisConfig` reads. */
export const KIS_VARIABLES = [
  "KIS_ENV", "KIS_APP_KEY", "KIS_APP_SECRET", "KIS_ACCOUNT_NO", "KIS_HTS_ID", "KIS_BASE_URL", "KIS_WS_URL",
  "KIS_REQUESTS_PER_SECOND", "KIS_CUSTTYPE", "KIS_TOKEN_DIR"
] as const
export type KisVariable = (typeof KIS_VARIABLES)[number]

type Lookup = (name: KisVariable) => string | undefined

const bad = (variable: KisVariable, expected: string) => Either.left(new KisConfigurationError({ variable, expected }))

const url = (variable: KisVariable, raw: string, schemes: ReadonlyArray<string>): Either.Either<string, KisConfigurationError> => {
  try {
    const parsed = new URL(raw)
    if (schemes.includes(parsed.protocol)) return Either.right(raw.replace(/\/+$/, ""))
  } catch {
    // falls through to the error below
  }
  return bad(variable, `a URL starting with ${schemes.map((s) => `${s}//`).join(" or ")}`)
}

/** Validates settings from a variable lookup. Error messages name the variable and its expected form, never its value. */
export const parseKisConfig = (lookup: Lookup): Either.Either<KisSettings, KisConfigurationError> =>
  Either.gen(function* () {
    const get = (name: KisVariable): string | undefined => {
      const v = lookup(name)?.trim()
      return v === undefined || v === "" ? undefined : v
    }
    const envRaw = get("KIS_ENV") ?? "sim"
    if (envRaw !== "sim" && envRaw !== "mock" && envRaw !== "real") return yield* bad("KIS_ENV", "one of sim, mock, real")
    const env: KisEnv = envRaw
    const required = (name: KisVariable, expected: string, valid: (s: string) => boolean) => {
      const v = get(name) ?? (env === "sim" ? SIM_PLACEHOLDERS[name] : undefined)
      return v !== undefined && valid(v) ? Either.right(v) : bad(name, expected)
    }
    const appKey = yield* required("KIS_APP_KEY", "the app key issued on the KIS portal (no spaces)", (s) => !/\s/.test(s))
    const appSecret = yield* required("KIS_APP_SECRET", "the app secret issued on the KIS portal (no spaces)", (s) => !/\s/.test(s))
    const account = yield* required("KIS_ACCOUNT_NO", "an account number like 12345678-01 (8 digits, dash, 2 digits)", (s) =>
      /^\d{8}-?\d{2}$/.test(s))
    const digits = account.replace("-", "")
    const rpsRaw = get("KIS_REQUESTS_PER_SECOND")
    const rps = rpsRaw === undefined ? KIS_DEFAULT_REQUESTS_PER_SECOND[env] : Number(rpsRaw)
    if (!Number.isFinite(rps) || rps <= 0) {
      return yield* bad("KIS_REQUESTS_PER_SECOND", "a positive number of requests per second, like 20")
    }
    const custType = get("KIS_CUSTTYPE") ?? "P"
    if (custType !== "P" && custType !== "B") return yield* bad("KIS_CUSTTYPE", "P (individual) or B (corporate)")
    const restRaw = get("KIS_BASE_URL")
    const wsRaw = get("KIS_WS_URL")
    const baseUrl = restRaw === undefined ? KIS_DEFAULT_URLS[env].rest : yield* url("KIS_BASE_URL", restRaw, ["http:", "https:"])
    const wsUrl = wsRaw === undefined ? KIS_DEFAULT_URLS[env].ws : yield* url("KIS_WS_URL", wsRaw, ["ws:", "wss:"])
    const htsId = get("KIS_HTS_ID") ?? (env === "sim" ? SIM_PLACEHOLDERS["KIS_HTS_ID"] : undefined)
    return {
      env,
      appKey: Redacted.make(appKey),
      appSecret: Redacted.make(appSecret),
      accountNumber: Redacted.make(digits.slice(0, 8)),
      accountProductCode: digits.slice(8),
      htsId: Option.fromNullable(htsId),
      baseUrl,
      wsUrl,
      requestsPerSecond: rps,
      custType,
      tokenDir: get("KIS_TOKEN_DIR") ?? path.join(homedir(), ".stock-manager", "tokens")
    }
  })

/**
 * Parses a `.env` file: `KEY=VALUE` lines, `#` comments, optional `export ` prefix, optional single or double
 * quotes around the value. Malformed lines are reported by line number (not content: it may hold a secret).
 */
export const parseDotEnv = (text: string, file = ".env"): Either.Either<Record<string, string>, KisConfigurationError> => {
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === "" || line.startsWith("#")) continue
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (m === null) return Either.left(new KisConfigurationError({ variable: `${file} line ${i + 1}`, expected: "KEY=VALUE" }))
    const raw = m[2]!
    const quoted = /^(['"])(.*)\1$/.exec(raw)
    out[m[1]!] = quoted !== null ? quoted[2]! : raw.replace(/\s+#.*$/, "")
  }
  return Either.right(out)
}

const readDotEnv = (file: string): Effect.Effect<Record<string, string>, KisConfigurationError> =>
  Effect.tryPromise(() => readFile(file, "utf8")).pipe(
    Effect.map(Option.some),
    Effect.catchAll((e) =>
      (e.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT"
        ? Effect.succeed(Option.none<string>())
        : Effect.fail(new KisConfigurationError({ variable: file, expected: "a readable .env file" }))),
    Effect.flatMap(Option.match({ onNone: () => Either.right({}), onSome: (text) => parseDotEnv(text, file) }))
  )

/**
 * Loads settings: each variable from the current ConfigProvider (the process environment by default, a map in
 * tests), falling back to the `.env` file.
 */
export const loadKisConfig = (dotEnvFile = ".env"): Effect.Effect<KisSettings, KisConfigurationError> =>
  Effect.gen(function* () {
    const fromFile = yield* readDotEnv(dotEnvFile)
    const fromProvider: Partial<Record<KisVariable, string>> = {}
    for (const name of KIS_VARIABLES) {
      const v = yield* Config.option(Config.string(name)).pipe(Effect.orElseSucceed(() => Option.none<string>()))
      if (Option.isSome(v)) fromProvider[name] = v.value
    }
    return yield* parseKisConfig((name) => fromProvider[name] ?? fromFile[name])
  })

export const KisConfigLive: Layer.Layer<KisConfig, KisConfigurationError> = Layer.effect(KisConfig, loadKisConfig())

/** Settings for tests and tools: from a plain record, failing with KisConfigurationError like the live layer. */
export const kisConfigFrom = (vars: Partial<Record<KisVariable, string>>): Layer.Layer<KisConfig, KisConfigurationError> =>
  Layer.effect(KisConfig, parseKisConfig((name) => vars[name]))
