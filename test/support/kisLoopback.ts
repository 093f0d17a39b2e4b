// A programmable KIS-like HTTP server on 127.0.0.1 (port 0) for client tests: it records every request and answers
// from a handler, issues tokens on /oauth2/tokenP by default, and can drop a connection after reading a request.
import { Duration, Effect, Layer, Schedule, type Scope } from "effect"
import { createServer, type IncomingHttpHeaders } from "node:http"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { KisClient, KisClientOptions, type KisClientSettings } from "../../src/kis/KisClient.js"
import { kisConfigFrom, type KisVariable } from "../../src/kis/KisConfig.js"
import { DEFAULT_TOKEN_POLICY } from "../../src/kis/token.js"

export interface LoopbackRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingHttpHeaders
  readonly body: string
  readonly at: number
}

export type LoopbackReply =
  | { readonly status?: number; readonly headers?: Readonly<Record<string, string>>; readonly body: unknown }
  | "drop"

export type LoopbackHandler = (req: LoopbackRequest, server: KisLoopback) => LoopbackReply

export interface KisLoopback {
  readonly url: string
  readonly requests: Array<LoopbackRequest>
  /** Requests to a path, in arrival order. */
  readonly to: (path: string) => ReadonlyArray<LoopbackRequest>
  tokensIssued: number
}

export const TEST_SECRETS = {
  appKey: "PSloopbackAPPKEY0123456789abcdefghij",
  appSecret: "loopbackSECRETvalue+abcdefghijklmnopqrstuvwxyz0123456789==",
  account: "87654321-01"
} as const

/** The default answer to /oauth2/tokenP: a fresh token valid 24 h. */
export const issueToken = (server: KisLoopback, expiresInSeconds = 86_400): LoopbackReply => {
  server.tokensIssued++
  return {
    body: {
      access_token: `loopback-token-${server.tokensIssued}-eyJhbGciOi`,
      token_type: "Bearer",
      expires_in: expiresInSeconds
    }
  }
}

export const ok = (body: Record<string, unknown>, headers: Record<string, string> = {}): LoopbackReply => ({
  headers, body: { rt_cd: "0", msg_cd: "MCA00000", msg1: "정상처리 되었습니다.  ", ...body }
})
export const kisError = (msgCd: string, msg1: string, status = 200): LoopbackReply => ({
  status, body: { rt_cd: "1", msg_cd: msgCd, msg1 }
})

/** Starts the server for the scope; `handler` sees every request except tokenP when `handler` returns undefined. */
export const startKisLoopback = (
  handler: (req: LoopbackRequest, server: KisLoopback) => LoopbackReply | undefined
): Effect.Effect<KisLoopback, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ server: ReturnType<typeof createServer>; loop: KisLoopback }>((resume) => {
      const requests: Array<LoopbackRequest> = []
      const loop: KisLoopback = {
        url: "",
        requests,
        to: (p) => requests.filter((r) => r.path === p),
        tokensIssued: 0
      }
      const server = createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (c: Buffer) => chunks.push(c))
        req.on("end", () => {
          const url = new URL(req.url ?? "/", "http://127.0.0.1")
          const recorded: LoopbackRequest = {
            method: req.method ?? "", path: url.pathname, query: url.searchParams, headers: req.headers,
            body: Buffer.concat(chunks).toString("utf8"), at: Date.now()
          }
          requests.push(recorded)
          const reply = handler(recorded, loop) ?? (url.pathname === "/oauth2/tokenP" ? issueToken(loop) : { status: 404, body: "not found" })
          if (reply === "drop") {
            req.socket.destroy()
            return
          }
          const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body)
          res.writeHead(reply.status ?? 200, { "Content-Type": "application/json; charset=utf-8", ...reply.headers })
          res.end(text)
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        Object.assign(loop, { url: `http://127.0.0.1:${port}` })
        resume(Effect.succeed({ server, loop }))
      })
    }),
    ({ server }) => Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
  ).pipe(Effect.map(({ loop }) => loop))

/** Short waits so token and retry behaviour can be tested on the wall clock in milliseconds. */
export const fastOptions = (overrides: Partial<KisClientSettings> = {}): KisClientSettings => ({
  tokenPolicy: {
    ...DEFAULT_TOKEN_POLICY,
    minIssueInterval: Duration.millis(50),
    throttleWait: Duration.millis(300),
    lockPoll: Duration.millis(10)
  },
  readRetry: Schedule.exponential("10 millis").pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(4))),
  requestTimeout: Duration.seconds(5),
  useHashkey: false,
  maxPages: 10,
  ...overrides
})

/** A fresh temporary token directory, removed with the scope. */
export const tempTokenDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(path.join(tmpdir(), "kis-tokens-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

/** KisClient pointed at `url`, with test credentials and the given environment and options. */
export const kisClientLayer = (
  url: string,
  tokenDir: string,
  vars: Partial<Record<KisVariable, string>> = {},
  options: KisClientSettings = fastOptions()
) =>
  KisClient.Default.pipe(
    Layer.provide(kisConfigFrom({
      KIS_ENV: "real",
      KIS_APP_KEY: TEST_SECRETS.appKey,
      KIS_APP_SECRET: TEST_SECRETS.appSecret,
      KIS_ACCOUNT_NO: TEST_SECRETS.account,
      KIS_BASE_URL: url,
      KIS_TOKEN_DIR: tokenDir,
      KIS_REQUESTS_PER_SECOND: "200",
      ...vars
    })),
    Layer.provide(Layer.succeed(KisClientOptions, options))
  )
