// Versioned migrations of the live state file: a table of steps from version n to n + 1, applied in order on load.
// A file with no `version` field is version 0 (the first, unversioned format); a version newer than ours is refused.
import { Either } from "effect"
import { kstDateOf } from "../domain/Time.js"
import { STATE_VERSION } from "../services/Store.js"

type Json = Record<string, unknown>

export interface Migration {
  readonly from: number
  readonly describe: string
  readonly migrate: (state: Json) => Json
}

const list = (v: unknown): ReadonlyArray<Json> => (Array.isArray(v) ? v.filter((x): x is Json => typeof x === "object" && x !== null) : [])

/**
 * Version 0 kept positions with an average price and inline stop/take levels, and bare domain orders. Version 1
 * keeps the cost basis in won, exit levels as one object, and each order with its journal time and broker order chain.
 */
const v0ToV1: Migration = {
  from: 0,
  describe: "v0 → v1: positions at cost basis with exit levels; orders as journal entries with broker order chains",
  migrate: (s) => {
    const updatedAt = typeof s["updatedAt"] === "number" ? s["updatedAt"] : 0
    return {
      version: 1,
      journalSeq: 0,
      cash: s["cash"] ?? 0,
      realizedPnl: 0,
      positions: list(s["positions"]).map((p) => {
        const quantity = Number(p["quantity"] ?? 0)
        const exits = {
          ...(p["stopLoss"] === undefined ? {} : { stopLoss: p["stopLoss"] }),
          ...(p["takeProfit"] === undefined ? {} : { takeProfit: p["takeProfit"] })
        }
        return {
          ticker: p["ticker"],
          quantity,
          costBasis: Math.round(Number(p["averagePrice"] ?? 0) * quantity),
          openedOn: p["openedOn"] ?? kstDateOf(updatedAt),
          ...(Object.keys(exits).length === 0 ? {} : { exits })
        }
      }),
      orders: list(s["orders"]).map((o) => {
        const at = typeof o["updatedAt"] === "number" ? o["updatedAt"] : updatedAt
        const brokerOrderId = o["brokerOrderId"]
        return {
          order: o,
          tradeDate: kstDateOf(at),
          journaledAt: at,
          ...(typeof brokerOrderId === "string" ? { sentAt: at } : {}),
          chain: typeof brokerOrderId === "string" ? [{ brokerOrderId, kind: "new", at }] : []
        }
      }),
      processedFills: [],
      blocked: [],
      counters: { reconciliations: 0, corrections: 0 },
      updatedAt
    }
  }
}

export const MIGRATIONS: ReadonlyArray<Migration> = [v0ToV1]

export interface Migrated {
  readonly state: unknown
  readonly applied: ReadonlyArray<string>
}

/** Brings a parsed state file to STATE_VERSION, or says why it cannot (not an object, unknown version, no path). */
export const migrateState = (raw: unknown, migrations: ReadonlyArray<Migration> = MIGRATIONS): Either.Either<Migrated, string> => {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return Either.left("the file does not hold a JSON object")
  let state = raw as Json
  const version = state["version"] ?? 0
  if (typeof version !== "number" || !Number.isInteger(version)) return Either.left(`version ${JSON.stringify(version)} is not a whole number`)
  if (version > STATE_VERSION) return Either.left(`version ${version} is newer than this program understands (${STATE_VERSION})`)
  const applied: Array<string> = []
  for (let v = version; v < STATE_VERSION; v++) {
    const step = migrations.find((m) => m.from === v)
    if (step === undefined) return Either.left(`no migration from version ${v}`)
    state = step.migrate(state)
    applied.push(step.describe)
  }
  return Either.right({ state, applied })
}
