// Child process for the atomic-write test: replaces a state file in a loop (each version internally consistent, large
// enough that a plain write would be caught half-done) until killed; prints one line once the loop is running.
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { atomicWrite } from "../../../src/persistence/atomicWrite.js"

const file = process.argv[2]!
const version = (n: number) => JSON.stringify({ cash: n, positions: Array.from({ length: n }, (_, i) => ({ ticker: "005930", i, pad: "x".repeat(200) })) })

const loop = Effect.gen(function* () {
  for (let n = 1; ; n = (n % 2000) + 1) {
    yield* atomicWrite(file, version(n))
    if (n === 1) process.stdout.write("writing\n")
  }
})
Effect.runPromise(loop.pipe(Effect.provide(NodeContext.layer))).catch((e) => {
  console.error(e)
  process.exit(1)
})
