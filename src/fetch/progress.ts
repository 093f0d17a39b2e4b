// Progress of a download as a one-line bar on stderr (redrawn in place on a terminal, one line per step when
// piped), kept apart from the download logic so tests can record it instead.
export interface Progress {
  /** Adds expected work (chart pages, statement sets); the total can grow as symbols are planned. */
  readonly expect: (steps: number) => void
  /** One step done; `label` says what (symbol and date reached). */
  readonly step: (label: string) => void
  readonly finish: () => void
}

/** `[########------------]  12/40 005930 2019-03-04` */
export const renderProgress = (done: number, total: number, label: string, width = 24): string => {
  const shown = Math.min(done, total)
  const filled = total === 0 ? width : Math.round((shown / total) * width)
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(shown).padStart(String(total).length)}/${total} ${label}`
}

/** A progress bar writing to a stream (process.stderr by default). */
export const streamProgress = (out: NodeJS.WriteStream = process.stderr): Progress => {
  let done = 0, total = 0
  const draw = (label: string) => {
    const line = renderProgress(done, total, label)
    if (out.isTTY) out.write(`\r${line}\x1b[K`)
    else out.write(`${line}\n`)
  }
  return {
    expect: (steps) => { total += steps },
    step: (label) => {
      done++
      draw(label)
    },
    finish: () => {
      if (out.isTTY && done > 0) out.write("\n")
    }
  }
}

export const silentProgress: Progress = { expect: () => {}, step: () => {}, finish: () => {} }
