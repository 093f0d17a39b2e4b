// Access to the read-only reference data beside the checkout (../shared): real KRX prices, fundamentals,
// the trading calendar and KIS wire examples. Suites that need it are named "[shared] …" so CI can prove they ran.
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import path from "node:path"
import { describe } from "vitest"

const here = path.dirname(fileURLToPath(import.meta.url))

/** Absolute path of the shared reference folder (override with STOCK_MANAGER_SHARED). */
export const SHARED_DIR = process.env["STOCK_MANAGER_SHARED"] ?? path.resolve(here, "../../../shared")
export const hasShared = existsSync(path.join(SHARED_DIR, "data", "krx"))
export const sharedPath = (...parts: ReadonlyArray<string>): string => path.join(SHARED_DIR, ...parts)

/** A describe block that runs only when ../shared exists; its name is prefixed "[shared]". */
export const describeShared = (name: string, body: () => void): void => {
  describe.skipIf(!hasShared)(`[shared] ${name}`, body)
}
