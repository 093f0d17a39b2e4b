// The access-token lifecycle: KIS issues at most one token a minute per app key (EGW00133) and notifies the user
// on each issuance, so tokens are cached on disk per (environment, app key), shared by concurrent processes through
// a lock file, refreshed shortly before expiry, and re-issued at most once a minute.
import { NodeFileSystem, NodePath } from "@effect/platform-node"
import { Clock, Duration, Effect, Layer, Option, Redacted } from "effect"
import { createHash } from "node:crypto"
import { mkdir, open, readFile, rm, stat } from "node:fs/promises"
import path from "node:path"
import { atomicWrite } from "../persistence/atomicWrite.js"
import { KisAuthenticationError, KisTransportError } from "./errors.js"
import type { KisEnv } from "./KisConfig.js"

/** A token as cached on disk. Times are UTC epoch milliseconds. */
export interface CachedToken {
  readonly accessToken: string
  readonly expiresAt: number
  readonly issuedAt: number
}

export interface TokenPolicy {
  /** Refresh when less than this is left (python-kis uses 10 minutes). */
  readonly refreshMargin: Duration.Duration
  /** Never ask for a new token sooner than this after the last issuance (KIS: 1/minute). */
  readonly minIssueInterval: Duration.Duration
  /** How long to wait after EGW00133 before asking again (KIS: at least a minute). */
  readonly throttleWait: Duration.Duration
  /** EGW00133 answers tolerated before giving up. */
  readonly maxThrottleRetries: number
  /** Poll interval while another process holds the issuance lock. */
  readonly lockPoll: Duration.Duration
  /** A lock older than this is considered abandoned by a crashed process. */
  readonly lockStaleAfter: Duration.Duration
}

export const DEFAULT_TOKEN_POLICY: TokenPolicy = {
  refreshMargin: Duration.minutes(10),
  minIssueInterval: Duration.seconds(60),
  throttleWait: Duration.seconds(61),
  maxThrottleRetries: 3,
  lockPoll: Duration.millis(200),
  lockStaleAfter: Duration.seconds(240)
}

export type TokenError = KisAuthenticationError | KisTransportError

/** The token cache is a local file of this Node process, so the client needs no FileSystem from its caller. */
const NodeFiles = Layer.merge(NodeFileSystem.layer, NodePath.layer)

/** The cache file of one (environment, app key): a hash of the key names it, never the key itself. */
export const tokenFilePath = (dir: string, env: KisEnv, appKey: Redacted.Redacted<string>): string =>
  path.join(dir, `${env}-${createHash("sha256").update(Redacted.value(appKey)).digest("hex").slice(0, 24)}.json`)

/** `access_token_token_expired` is KST wall-clock "YYYY-MM-DD HH:MM:SS". */
export const kstWallClockToEpoch = (s: string): number | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s.trim())
  if (m === null) return undefined
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  return Date.UTC(y, mo - 1, d, h, mi, se) - 9 * 3600_000
}

const ioError = (file: string, what: string) => (cause: unknown) =>
  new KisTransportError({ path: file, reason: `${what}: ${(cause as NodeJS.ErrnoException).code ?? "I/O error"}`, beforeSend: true })

const readCached = (file: string): Effect.Effect<Option.Option<CachedToken>> =>
  Effect.tryPromise(() => readFile(file, "utf8")).pipe(
    Effect.map((text) => {
      const v = JSON.parse(text) as Partial<CachedToken>
      return typeof v.accessToken === "string" && typeof v.expiresAt === "number" && typeof v.issuedAt === "number"
        ? Option.some(v as CachedToken)
        : Option.none()
    }),
    // A missing or corrupt cache only means "no token yet".
    Effect.orElseSucceed(() => Option.none<CachedToken>())
  )

export interface TokenManager {
  /** A token valid for at least the refresh margin, from memory, disk, or a new issuance. */
  readonly get: Effect.Effect<Redacted.Redacted<string>, TokenError>
  /** The token in memory if still valid for the refresh margin at `now` (epoch ms), without any I/O; else undefined. */
  readonly peek: (now: number) => Redacted.Redacted<string> | undefined
  /** Forgets `token` (KIS called it expired or invalid) so the next `get` issues a new one. */
  readonly invalidate: (token: Redacted.Redacted<string>) => Effect.Effect<void>
  /** The cached token, if any, without issuing (for revocation). */
  readonly current: Effect.Effect<Option.Option<Redacted.Redacted<string>>>
  /** Drops the cached token from memory and disk. */
  readonly forget: Effect.Effect<void>
}

/**
 * `issue` calls /oauth2/tokenP once; it fails with KisAuthenticationError (code EGW00133 when throttled).
 * Throttling is handled here by waiting, never by asking again at once.
 */
export const makeTokenManager = (options: {
  readonly file: string
  readonly policy: TokenPolicy
  readonly issue: Effect.Effect<CachedToken, TokenError>
}): Effect.Effect<TokenManager> =>
  Effect.gen(function* () {
    const { file, policy, issue } = options
    /** The cache file is written atomically (temp, fsync, rename, fsync dir) with mode 0600. */
    const save = (token: CachedToken) =>
      atomicWrite(file, JSON.stringify(token), { mode: 0o600 }).pipe(
        Effect.provide(NodeFiles),
        Effect.mapError((e) => new KisTransportError({ path: file, reason: `cannot write token cache: ${e._tag}`, beforeSend: true })))
    const lockFile = `${file}.lock`
    const gate = yield* Effect.makeSemaphore(1)
    let memory: Option.Option<CachedToken> = Option.none()
    let lastIssueAttempt = Number.NEGATIVE_INFINITY
    /** Tokens KIS called invalid: never picked up again from a stale cache file. */
    const forgotten = new Set<string>()
    const isForgotten = (t: CachedToken) => forgotten.has(t.accessToken)

    const marginMs = Duration.toMillis(policy.refreshMargin)
    const fresh = (t: CachedToken, now: number) => t.expiresAt - now > marginMs

    const tryLock = Effect.tryPromise(async () => {
      await mkdir(path.dirname(lockFile), { recursive: true, mode: 0o700 })
      const h = await open(lockFile, "wx", 0o600)
      await h.writeFile(String(process.pid))
      await h.close()
    }).pipe(
      Effect.as(true),
      Effect.catchAll((e) =>
        (e.error as NodeJS.ErrnoException).code === "EEXIST"
          ? Effect.tryPromise(() => stat(lockFile)).pipe(
              // File times are wall-clock, so compare with the wall clock rather than Effect's Clock.
              Effect.flatMap((s) =>
                Date.now() - s.mtimeMs > Duration.toMillis(policy.lockStaleAfter)
                  ? Effect.promise(() => rm(lockFile, { force: true })).pipe(Effect.as(false))
                  : Effect.succeed(false)),
              Effect.orElseSucceed(() => false))
          : Effect.fail(ioError(lockFile, "cannot create token lock")(e.error)))
    )
    const unlock = Effect.promise(() => rm(lockFile, { force: true }))

    /** Issues under the cross-process lock unless another process already refreshed the cache. */
    const issueLocked: Effect.Effect<CachedToken, TokenError> = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const onDisk = yield* readCached(file)
      if (Option.isSome(onDisk) && fresh(onDisk.value, now) && !isForgotten(onDisk.value)) return onDisk.value
      const lastIssued = Math.max(lastIssueAttempt, Option.match(onDisk, { onNone: () => -Infinity, onSome: (t) => t.issuedAt }))
      const wait = lastIssued + Duration.toMillis(policy.minIssueInterval) - now
      if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
      let throttled = 0
      for (;;) {
        lastIssueAttempt = yield* Clock.currentTimeMillis
        const result = yield* Effect.either(issue)
        if (result._tag === "Right") {
          yield* save(result.right)
          return result.right
        }
        const e = result.left
        if (e._tag === "KisAuthenticationError" && e.code === "EGW00133" && throttled < policy.maxThrottleRetries) {
          throttled++
          yield* Effect.logWarning("KIS token issuance throttled (EGW00133); waiting before asking again")
          yield* Effect.sleep(policy.throttleWait)
          continue
        }
        return yield* Effect.fail(e)
      }
    })

    const withLock = <A, E>(body: Effect.Effect<A, E>): Effect.Effect<A, E | KisTransportError> =>
      Effect.gen(function* () {
        for (;;) {
          if (yield* tryLock) break
          yield* Effect.sleep(policy.lockPoll) // issueLocked re-reads the cache, so a peer's fresh token is reused
        }
        return yield* Effect.ensuring(body, unlock)
      })

    const refresh: Effect.Effect<CachedToken, TokenError> = gate.withPermits(1)(
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        if (Option.isSome(memory) && fresh(memory.value, now)) return memory.value
        const onDisk = yield* readCached(file)
        if (Option.isSome(onDisk) && fresh(onDisk.value, now) && !isForgotten(onDisk.value)) {
          memory = onDisk
          return onDisk.value
        }
        const token = yield* withLock(issueLocked)
        memory = Option.some(token)
        return token
      })
    )

    /** The token handed out last, wrapped once: `get` runs before every request. */
    let handedOut: { readonly token: CachedToken; readonly redacted: Redacted.Redacted<string> } | undefined
    const redactedOf = (token: CachedToken) => {
      if (handedOut?.token !== token) handedOut = { token, redacted: Redacted.make(token.accessToken) }
      return handedOut.redacted
    }
    const peek = (now: number) => (Option.isSome(memory) && fresh(memory.value, now) ? redactedOf(memory.value) : undefined)
    const get = Effect.clockWith((clock) => {
      const token = peek(clock.unsafeCurrentTimeMillis())
      return token !== undefined ? Effect.succeed(token) : Effect.map(refresh, redactedOf)
    })

    const dropFromDisk = (token: string) =>
      readCached(file).pipe(
        Effect.flatMap((onDisk) =>
          Option.isSome(onDisk) && onDisk.value.accessToken === token ? Effect.promise(() => rm(file, { force: true })) : Effect.void)
      )

    const invalidate = (token: Redacted.Redacted<string>) =>
      gate.withPermits(1)(Effect.gen(function* () {
        const value = Redacted.value(token)
        forgotten.add(value)
        if (Option.isSome(memory) && memory.value.accessToken === value) memory = Option.none()
        yield* dropFromDisk(value)
      }))

    const current = Effect.sync(() => Option.map(memory, (t) => Redacted.make(t.accessToken)))
    const forget = gate.withPermits(1)(Effect.gen(function* () {
      if (Option.isSome(memory)) yield* dropFromDisk(memory.value.accessToken)
      memory = Option.none()
    }))
    return { get, peek, invalidate, current, forget }
  })
