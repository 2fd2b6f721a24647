import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node'
        }
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/auth-emulator.global.ts'],
          // Files share this machine's Mosquitto (and its wildcard subscriptions): one file at a time.
          fileParallelism: false,
          // PGlite start-up (~4 s), real brokers and a built server child process.
          testTimeout: 60_000,
          hookTimeout: 120_000
        }
      }
    ]
  }
})
