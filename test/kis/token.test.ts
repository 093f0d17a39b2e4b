// The token cache across processes: a peer holding the issuance lock is waited for and its token reused, an
// abandoned lock is broken, and KIS's KST expiry stamps convert to UTC.
import { it } from "@effect/vitest"
import { Duration, Effect, Fiber, Redacted, Ref } from "effect"
import { readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import path from "node:path"
import { describe, expect } from "vitest"
import { type CachedToken, DEFAULT_TOKEN_POLICY, kstWallClockToEpoch, makeTokenManager, type TokenPolicy } from "../../src/kis/token.js"
import { tempTokenDir } from "../support/kisLoopback.js"

const policy: TokenPolicy = { ...DEFAULT_TOKEN_POLICY, minIssueInterval: Duration.millis(0), lockPoll: Duration.millis(10), lockStaleAfter: Duration.seconds(30) }
const tokenFor = (name: string): CachedToken => ({ accessToken: name, issuedAt: Date.now(), expiresAt: Date.now() + 86_400_000 })

describe("token cache", () => {
  it("reads KIS's KST expiry stamp as a UTC instant", () => {
    expect(kstWallClockToEpoch("2023-12-22 08:16:59")).toBe(Date.UTC(2023, 11, 21, 23, 16, 59))
    expect(kstWallClockToEpoch("2023-12-22T08:16:59")).toBeUndefined()
  })

  it.scopedLive("waits for a peer holding the lock and reuses the token it wrote", () =>
    Effect.gen(function* () {
      const dir = yield* tempTokenDir
      const file = path.join(dir, "real-peer.json")
      writeFileSync(`${file}.lock`, "4242")
      const issued = yield* Ref.make(0)
      const tokens = yield* makeTokenManager({ file, policy, issue: Effect.as(Ref.update(issued, (n) => n + 1), tokenFor("ours")) })
      const waiting = yield* Effect.fork(tokens.get)
      yield* Effect.sleep("100 millis")
      writeFileSync(file, JSON.stringify(tokenFor("peer"))) // the peer finishes: cache written, lock released
      rmSync(`${file}.lock`)
      expect(Redacted.value(yield* Fiber.join(waiting))).toBe("peer")
      expect(yield* Ref.get(issued)).toBe(0)
    }))

  it.scopedLive("breaks a lock abandoned by a crashed process", () =>
    Effect.gen(function* () {
      const dir = yield* tempTokenDir
      const file = path.join(dir, "real-stale.json")
      writeFileSync(`${file}.lock`, "4242")
      const old = (Date.now() - 60_000) / 1000
      utimesSync(`${file}.lock`, old, old)
      const tokens = yield* makeTokenManager({ file, policy, issue: Effect.succeed(tokenFor("fresh")) })
      expect(Redacted.value(yield* tokens.get)).toBe("fresh")
      expect((JSON.parse(readFileSync(file, "utf8")) as CachedToken).accessToken).toBe("fresh")
    }))
})
