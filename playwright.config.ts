import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from '@playwright/test'

// Browser tests against the built server (never `nuxi dev`, STACK-NOTES 6). Project `embedded`: the
// embedded defaults, as `npm run dev` gives them (PGlite, broker, Auth emulator, demo users,
// simulator). Project `services`: the user flows again on this machine's PostgreSQL, Redis and
// Mosquitto (tests/e2e/services-server.ts).
const PORT = Number(process.env.E2E_PORT ?? 3931)
const SERVICES_PORT = PORT + 1
const DATA_DIR = join(tmpdir(), `pt-e2e-${PORT}`)
// The flows the issue names for both (roles, live values, dashboards, alarms, approvals, Spanish,
// offline gateways); the rest is the same UI and runs on the embedded defaults only.
const SERVICES_SPECS = ['overview.spec.ts', 'dashboard.spec.ts', 'alarms.spec.ts', 'i18n.spec.ts', 'builder.spec.ts']
const COMMON_ENV = { NODE_ENV: 'development', HOST: '127.0.0.1', SIMULATOR: '1', DEMO_DATA: '1', LOG_LEVEL: 'warn' }
// The config is loaded again by every worker: only the runner starts from an empty database.
if (!process.env.TEST_WORKER_INDEX) rmSync(DATA_DIR, { recursive: true, force: true })

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/e2e',
  // One server and one simulator for every test: run them one at a time on these 2 cores.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list'], ['html', { outputFolder: 'test-results/e2e-report', open: 'never' }]],
  projects: [
    { name: 'embedded', use: { baseURL: `http://127.0.0.1:${PORT}` } },
    { name: 'services', use: { baseURL: `http://127.0.0.1:${SERVICES_PORT}` }, testMatch: SERVICES_SPECS }
  ],
  use: {
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      // Chromium from Debian (`apt-get install -y chromium`); Playwright downloads no browser here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']
    }
  },
  webServer: [
    {
      command: 'node .output/server/index.mjs',
      // Answers 503 until every part is up (the Auth emulator takes ~7 s).
      url: `http://127.0.0.1:${PORT}/health`,
      timeout: 90_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      env: { ...COMMON_ENV, PORT: String(PORT), DATA_DIR }
    },
    {
      command: 'npx tsx tests/e2e/services-server.ts',
      url: `http://127.0.0.1:${SERVICES_PORT}/health`,
      timeout: 90_000,
      reuseExistingServer: false,
      // Its database is dropped once the server has stopped.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
      stdout: 'ignore',
      stderr: 'pipe',
      env: { ...COMMON_ENV, PORT: String(SERVICES_PORT), DATA_DIR: `${DATA_DIR}-services` }
    }
  ]
})
