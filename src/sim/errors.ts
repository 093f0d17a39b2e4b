// Typed failures of kis-sim itself (not the KIS errors it answers with): bad settings and unreadable state.
import { Data } from "effect"

/** A flag, accounts file or data folder is wrong: names the setting and what is expected. */
export class SimConfigError extends Data.TaggedError("SimConfigError")<{
  readonly setting: string
  readonly problem: string
}> {
  override get message(): string {
    return `kis-sim ${this.setting}: ${this.problem}`
  }
}

/** The state file under --state cannot be read back (corrupt or from an incompatible version). */
export class SimStateError extends Data.TaggedError("SimStateError")<{
  readonly file: string
  readonly problem: string
}> {
  override get message(): string {
    return `kis-sim state ${this.file}: ${this.problem}`
  }
}
