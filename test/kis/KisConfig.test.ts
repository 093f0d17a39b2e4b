// KisConfig: defaults per environment, account splitting, `.env` parsing with environment variables winning, and
// errors that name the variable and the expected form without echoing a secret.
import { it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Layer, Option, Redacted } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { describe, expect } from "vitest"
import { KIS_SIM_DEFAULT_PORT, loadKisConfig, parseDotEnv, parseKisConfig, type KisVariable } from "../../src/kis/KisConfig.js"

const parse = (vars: Partial<Record<KisVariable, string>>) => parseKisConfig((k) => vars[k])
const creds = { KIS_APP_KEY: "PSkey123", KIS_APP_SECRET: "s3cr3t/value==", KIS_ACCOUNT_NO: "12345678-01" }

describe("KisConfig", () => {
  it("sim needs no credentials and points at the local simulator", () => {
    const cfg = Either.getOrThrow(parse({}))
    expect([cfg.env, cfg.baseUrl, cfg.wsUrl, cfg.requestsPerSecond, cfg.custType]).toStrictEqual([
      "sim", `http://127.0.0.1:${KIS_SIM_DEFAULT_PORT}`, `ws://127.0.0.1:${KIS_SIM_DEFAULT_PORT}`, 20, "P"
    ])
    // kis-sim's demo account, HTS id included, so realtime fill notices need no configuration either
    expect([Redacted.value(cfg.accountNumber), cfg.htsId]).toStrictEqual(["00000000", Option.some("simuser")])
    expect(Either.getOrThrow(parse({ KIS_HTS_ID: "other" })).htsId).toStrictEqual(Option.some("other"))
    expect(Either.getOrThrow(parse({ ...creds, KIS_ENV: "mock" })).htsId).toStrictEqual(Option.none())
  })

  it("real/mock defaults, account split, overrides", () => {
    const mock = Either.getOrThrow(parse({ ...creds, KIS_ENV: "mock" }))
    expect([mock.baseUrl, mock.requestsPerSecond, Redacted.value(mock.accountNumber), mock.accountProductCode]).toStrictEqual([
      "https://openapivts.koreainvestment.com:29443", 2, "12345678", "01"
    ])
    const real = Either.getOrThrow(parse({ ...creds, KIS_ENV: "real", KIS_BASE_URL: "http://127.0.0.1:1234/", KIS_REQUESTS_PER_SECOND: "15", KIS_HTS_ID: "me" }))
    expect([real.baseUrl, real.requestsPerSecond, real.htsId]).toStrictEqual(["http://127.0.0.1:1234", 15, Option.some("me")])
    expect(String(real.appSecret)).not.toContain("s3cr3t")
  })

  it.each([
    [{ KIS_ENV: "prod" }, "KIS_ENV", "one of sim, mock, real"],
    [{ KIS_ENV: "real", KIS_APP_SECRET: "x", KIS_ACCOUNT_NO: "12345678-01" }, "KIS_APP_KEY", "app key"],
    [{ ...creds, KIS_ENV: "mock", KIS_ACCOUNT_NO: "1234-5678" }, "KIS_ACCOUNT_NO", "12345678-01"],
    [{ ...creds, KIS_REQUESTS_PER_SECOND: "fast" }, "KIS_REQUESTS_PER_SECOND", "positive number"],
    [{ ...creds, KIS_REQUESTS_PER_SECOND: "0" }, "KIS_REQUESTS_PER_SECOND", "positive number"],
    [{ ...creds, KIS_CUSTTYPE: "X" }, "KIS_CUSTTYPE", "P (individual)"],
    [{ ...creds, KIS_BASE_URL: "openapi.koreainvestment.com" }, "KIS_BASE_URL", "http://"],
    [{ ...creds, KIS_WS_URL: "http://127.0.0.1:1" }, "KIS_WS_URL", "ws://"]
  ] as const)("rejects %o naming %s", (vars, variable, expected) => {
    const e = Either.getLeft(parse(vars)).pipe(Option.getOrThrow)
    expect(e.variable).toBe(variable)
    expect(e.message).toContain(expected)
    for (const v of Object.values(vars)) if (v.length > 3) expect(e.message).not.toContain(v)
  })

  it("parses .env lines and reports a malformed one by line number only", () => {
    expect(Either.getOrThrow(parseDotEnv("# c\nexport KIS_ENV=mock\nKIS_APP_KEY = 'a b'\nKIS_HTS_ID=me # note\n\nKIS_APP_SECRET=\"x=y\"\n")))
      .toStrictEqual({ KIS_ENV: "mock", KIS_APP_KEY: "a b", KIS_HTS_ID: "me", KIS_APP_SECRET: "x=y" })
    const e = Either.getLeft(parseDotEnv("KIS_ENV=mock\nthis is secret-ish\n")).pipe(Option.getOrThrow)
    expect(e.message).toBe(".env line 2: expected KEY=VALUE")
  })

  it.effect("loads from the config provider, falling back to .env", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(path.join(tmpdir(), "kis-env-"))
      const file = path.join(dir, ".env")
      writeFileSync(file, "KIS_ENV=mock\nKIS_APP_KEY=fromfile\nKIS_APP_SECRET=filesecret\nKIS_ACCOUNT_NO=1111111101\n")
      const cfg = yield* loadKisConfig(file).pipe(
        Effect.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["KIS_APP_KEY", "fromenv"]])))),
        Effect.ensuring(Effect.sync(() => rmSync(dir, { recursive: true, force: true }))))
      expect([cfg.env, Redacted.value(cfg.appKey), Redacted.value(cfg.appSecret), Redacted.value(cfg.accountNumber)])
        .toStrictEqual(["mock", "fromenv", "filesecret", "11111111"])
      const missing = yield* Effect.flip(loadKisConfig(path.join(dir, "none.env")).pipe(
        Effect.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["KIS_ENV", "real"]]))))))
      expect(missing.variable).toBe("KIS_APP_KEY")
    }))
})
