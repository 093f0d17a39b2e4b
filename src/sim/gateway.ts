// kis-sim's gateway rules, on the wall clock like KIS's own gateway: access tokens (24 h, the same token again within
// 6 h, at most one issuance a minute per app key), WebSocket approval keys, and the per-app-key request rate limit.
import { createHash, randomBytes, randomUUID } from "node:crypto"
import type { SimAccount } from "./exchange.js"

export interface GatewaySettings {
  /** Requests per second per app key; undefined = unlimited. KIS: 20 real, 2 mock. */
  requestsPerSecond: number | undefined
  /** Enforce one token issuance a minute per app key (EGW00133). */
  tokenIssueLimit: boolean
}

interface IssuedToken {
  readonly token: string
  readonly appKey: string
  readonly issuedAt: number
  expiresAt: number
}

export interface GatewaySnapshot {
  readonly tokens: ReadonlyArray<IssuedToken>
  readonly approvals: ReadonlyArray<readonly [string, string]>
}

export const TOKEN_LIFETIME_MS = 86_400_000
export const TOKEN_REUSE_WINDOW_MS = 6 * 3_600_000
export const TOKEN_ISSUE_INTERVAL_MS = 60_000

export type TokenCheck = { readonly _tag: "Valid"; readonly appKey: string } | { readonly _tag: "Invalid" } | { readonly _tag: "Expired" }

/** A JWT-looking opaque token (KIS access tokens are JWTs; clients must not parse them). */
const makeToken = (appKey: string, now: number): string => {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url")
  const header = part({ typ: "JWT", alg: "HS512" })
  const claims = part({ sub: "token", aud: createHash("sha256").update(appKey).digest("hex").slice(0, 36), iss: "kis-sim", iat: Math.floor(now / 1000), jti: randomBytes(12).toString("hex") })
  return `${header}.${claims}.${randomBytes(48).toString("base64url")}`
}

export class Gateway {
  private readonly tokens = new Map<string, IssuedToken>()
  private readonly lastIssueCall = new Map<string, number>()
  private readonly approvals = new Map<string, string>()
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  /** Called after every change worth persisting (tokens, approval keys). */
  onChange: () => void = () => {}

  constructor(readonly settings: GatewaySettings) {}

  /** The token for an app key: the same one within the reuse window, else a new one; EGW00133 inside a minute. */
  issueToken(account: SimAccount, now: number): IssuedToken | "too-soon" {
    const key = account.spec.appKey
    const last = this.lastIssueCall.get(key)
    if (this.settings.tokenIssueLimit && last !== undefined && now - last < TOKEN_ISSUE_INTERVAL_MS) return "too-soon"
    this.lastIssueCall.set(key, now)
    for (const t of this.tokens.values()) {
      if (t.appKey === key && now - t.issuedAt < TOKEN_REUSE_WINDOW_MS && t.expiresAt > now) return t
    }
    const issued: IssuedToken = { token: makeToken(key, now), appKey: key, issuedAt: now, expiresAt: now + TOKEN_LIFETIME_MS }
    this.tokens.set(issued.token, issued)
    this.onChange()
    return issued
  }

  revoke(token: string): boolean {
    const removed = this.tokens.delete(token)
    this.onChange()
    return removed
  }

  checkToken(token: string, now: number): TokenCheck {
    const t = this.tokens.get(token)
    if (t === undefined) return { _tag: "Invalid" }
    return t.expiresAt <= now ? { _tag: "Expired" } : { _tag: "Valid", appKey: t.appKey }
  }

  /** Makes every token expired (tests of the refresh path). */
  expireAll(now: number): void {
    for (const t of this.tokens.values()) t.expiresAt = Math.min(t.expiresAt, now)
  }

  approvalKey(appKey: string): string {
    const key = randomUUID()
    this.approvals.set(key, appKey)
    this.onChange()
    return key
  }

  appKeyOfApproval(approvalKey: string): string | undefined {
    return this.approvals.get(approvalKey)
  }

  /** Token bucket per app key: bursts up to the limit, then refills at the limit per second. */
  admit(appKey: string, now: number): boolean {
    const limit = this.settings.requestsPerSecond
    if (limit === undefined) return true
    const b = this.buckets.get(appKey) ?? { tokens: limit, at: now }
    b.tokens = Math.min(limit, b.tokens + ((now - b.at) / 1000) * limit)
    b.at = now
    this.buckets.set(appKey, b)
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  snapshot(): GatewaySnapshot {
    return { tokens: [...this.tokens.values()], approvals: [...this.approvals] }
  }

  restore(s: GatewaySnapshot): void {
    for (const t of s.tokens) this.tokens.set(t.token, { ...t })
    for (const [k, v] of s.approvals) this.approvals.set(k, v)
  }
}
