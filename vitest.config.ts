// Test runner configuration: every *.test.ts under test/, with Effect's equality testers installed.
import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/setupTests.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
