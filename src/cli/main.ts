// The stock-manager entry point and the one place effects are run: runs the command line with Node's context
// and sets the process exit code from it.
// Module subpaths, not the package index: the index also loads Node's HTTP, socket and worker adapters, which
// would add about half a second to every command's start-up.
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect } from "effect"
import { cli } from "./cli.js"

cli(process.argv).pipe(
  Effect.flatMap((code) => Effect.sync(() => { process.exitCode = code })),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({ disableErrorReporting: false })
)
