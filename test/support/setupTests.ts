// Installs Effect's structural equality into vitest's expect, so Data/Schema values compare by value.
import { addEqualityTesters } from "@effect/vitest"

addEqualityTesters()
