import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import type { TestProject } from 'vitest/node'
import { startAuthEmulator } from '../../server/auth/emulator'
import { EMULATOR_PROJECT_ID } from '../../server/config/env'

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the Firebase Auth emulator every integration test shares. */
    authEmulatorHost: string
  }
}

/**
 * One real Firebase Auth emulator for the whole integration run (~7 s to start): platforms and
 * servers under test point FIREBASE_AUTH_EMULATOR_HOST at it. Each test makes users of its own.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'pt-auth-'))
  const emulator = await startAuthEmulator({ projectId: EMULATOR_PROJECT_ID, port: 0, dataDir: dir, logger: pino({ level: 'silent' }) })
  project.provide('authEmulatorHost', emulator.host)
  return async () => {
    await emulator.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
