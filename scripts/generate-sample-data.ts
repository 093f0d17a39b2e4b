// `npm run data:sample`: writes the deterministic synthetic sample into data/ (daily bars gzipped), replacing
// the previous one, and prints what it wrote. Same bytes on every run.
import { mkdir, rm, writeFile } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { generateSample } from "../src/backtest/data/sampleGenerator.js"

const dataDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "data")
const files = generateSample()
await rm(path.join(dataDir, "daily"), { recursive: true, force: true })
await rm(path.join(dataDir, "finance"), { recursive: true, force: true })
let bytes = 0
for (const file of files) {
  const target = path.join(dataDir, file.path)
  await mkdir(path.dirname(target), { recursive: true })
  const contents = file.gzip ? gzipSync(file.text) : Buffer.from(file.text)
  await writeFile(target, contents)
  bytes += contents.length
}
console.log(JSON.stringify({ dir: dataDir, files: files.length, bytes }))
