// Wire schemas of the OAuth-style KIS endpoints, which answer without the rt_cd envelope: token issue and revoke,
// the WebSocket approval key and the hashkey.
import { Schema } from "effect"

/** /oauth2/tokenP. `expires_in` is a number on the wire; `access_token_token_expired` is KST "YYYY-MM-DD HH:MM:SS". */
export const TokenResponse = Schema.Struct({
  access_token: Schema.String,
  token_type: Schema.optional(Schema.String),
  expires_in: Schema.optional(Schema.Union(Schema.Number, Schema.NumberFromString)),
  access_token_token_expired: Schema.optional(Schema.String)
})
/** /oauth2/revokeP. */
export const RevokeResponse = Schema.Struct({ code: Schema.optional(Schema.Union(Schema.Number, Schema.String)), message: Schema.optional(Schema.String) })
/** /oauth2/Approval. */
export const ApprovalResponse = Schema.Struct({ approval_key: Schema.String })
/** /uapi/hashkey: the echoed body (`BODY`; the layout calls it `JsonBody`) and the hash for the `hashkey` header. */
export const HashkeyResponse = Schema.Struct({ BODY: Schema.optional(Schema.Unknown), HASH: Schema.String })
