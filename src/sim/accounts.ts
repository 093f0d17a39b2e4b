// kis-sim's customers: app key/secret pairs, each with one account (CANO + product code), HTS id and opening cash,
// read from a JSON file (`--accounts`) or the built-in demo account the KIS client's `sim` defaults already match.
import { Either, ParseResult, Schema } from "effect"
import { SimConfigError } from "./errors.js"

export const AccountSpec = Schema.Struct({
  appKey: Schema.String.pipe(Schema.pattern(/^\S+$/)),
  appSecret: Schema.String.pipe(Schema.pattern(/^\S+$/)),
  /** `12345678-01`: 8-digit CANO, dash, 2-digit ACNT_PRDT_CD. */
  accountNo: Schema.String.pipe(Schema.pattern(/^\d{8}-?\d{2}$/)),
  htsId: Schema.String.pipe(Schema.pattern(/^\S+$/)),
  name: Schema.optionalWith(Schema.String, { default: () => "모의투자" }),
  /** Opening cash in won. */
  cash: Schema.optionalWith(Schema.Int.pipe(Schema.nonNegative()), { default: () => 100_000_000 })
})
export type AccountSpec = typeof AccountSpec.Type

export const AccountsFile = Schema.Array(AccountSpec).pipe(Schema.minItems(1))

/** Matches the KIS client's placeholders for `KIS_ENV=sim`, so paper trading needs no configuration at all. */
export const DEMO_ACCOUNT: AccountSpec = {
  appKey: "sim-app-key",
  appSecret: "sim-app-secret",
  accountNo: "00000000-01",
  htsId: "simuser",
  name: "모의투자",
  cash: 100_000_000
}

/** CANO (8 digits) and ACNT_PRDT_CD (2 digits) of an account number. */
export const splitAccountNo = (accountNo: string): { readonly cano: string; readonly productCode: string } => {
  const digits = accountNo.replace("-", "")
  return { cano: digits.slice(0, 8), productCode: digits.slice(8) }
}

/** Parses an accounts file's text; errors name the file and the first bad field, never a secret's value. */
export const parseAccounts = (file: string, text: string): Either.Either<ReadonlyArray<AccountSpec>, SimConfigError> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return Either.left(new SimConfigError({ setting: file, problem: `not valid JSON (${(e as Error).message})` }))
  }
  return Either.flatMap(
    Either.mapLeft(Schema.decodeUnknownEither(AccountsFile)(json), (e) => {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(e)[0]
      return new SimConfigError({
        setting: file,
        problem: `${issue?.path.join(".") || "top level"}: ${issue?.message ?? "invalid"} (expected [{appKey, appSecret, accountNo "12345678-01", htsId, name?, cash?}])`
      })
    }),
    (accounts) => {
      const seen = new Set<string>()
      for (const a of accounts) {
        if (seen.has(a.appKey)) return Either.left(new SimConfigError({ setting: file, problem: "two accounts share one appKey" }))
        seen.add(a.appKey)
      }
      return Either.right(accounts)
    }
  )
}
