// Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over the target,
// then fsync the directory so the rename itself survives a power loss. Readers see the old or the new file, never half.
import { FileSystem, Path } from "@effect/platform"
import { Effect } from "effect"

export interface AtomicWriteOptions {
  /** File mode of the new file, e.g. 0o600 for secrets. */
  readonly mode?: number
}

export const atomicWrite = Effect.fn("atomicWrite")(function* (target: string, contents: string | Uint8Array, options: AtomicWriteOptions = {}) {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const dir = path.dirname(target)
  yield* fs.makeDirectory(dir, { recursive: true })
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`)
  const bytes = typeof contents === "string" ? new TextEncoder().encode(contents) : contents
  yield* Effect.scoped(Effect.gen(function* () {
    const file = yield* fs.open(tmp, { flag: "w", ...(options.mode === undefined ? {} : { mode: options.mode }) })
    if (bytes.length > 0) yield* file.writeAll(bytes) // writeAll reports an empty write as WriteZero
    yield* file.sync
  })).pipe(Effect.tapError(() => fs.remove(tmp).pipe(Effect.ignore)))
  if (options.mode !== undefined) yield* fs.chmod(tmp, options.mode)
  yield* fs.rename(tmp, target)
  yield* Effect.scoped(Effect.flatMap(fs.open(dir, { flag: "r" }), (d) => d.sync))
})
