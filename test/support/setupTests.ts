// Installs Effect's structural equality into vitest's expect, so Data/Schema values compare by value; bounds every
// property check below the test timeout, so a counterexample whose shrinking runs long is still reported.
import { addEqualityTesters } from "@effect/vitest"
import { FastCheck as fc } from "effect"

addEqualityTesters()

// Past this, no new case starts: a failure found so far is reported as shrunk so far; without one the property
// passes on the cases it ran (the slowest property takes a few seconds, so only a stalled machine gets here).
fc.configureGlobal({ ...fc.readConfigureGlobal(), interruptAfterTimeLimit: 45_000 })
