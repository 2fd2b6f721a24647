import type { Logger } from 'pino'
import type { AuthConfig } from '../config/env'
import type { SqlClient } from '../db/client'
import { startAuthEmulator, type AuthEmulator } from './emulator'
import { createFirebaseAuth, type FirebaseAuth } from './firebase'
import { UserDirectory } from './user-directory'

export interface AuthService {
  mode: AuthConfig['mode']
  projectId: string
  /** The emulator's URL in emulator mode (for /health and the browser SDK). */
  emulatorUrl?: string
  /** Started by this platform (zero-config) rather than given by FIREBASE_AUTH_EMULATOR_HOST. */
  embedded: boolean
  firebase: FirebaseAuth
  users: UserDirectory
  config: AuthConfig
  stop(): Promise<void>
}

/**
 * Firebase Authentication as the platform uses it: a real project, an external Auth emulator, or —
 * with nothing configured outside production — an emulator started here.
 */
export async function startAuth(config: AuthConfig, sql: SqlClient, dataDir: string, logger: Logger): Promise<AuthService> {
  let emulator: AuthEmulator | undefined
  let emulatorHost: string | undefined
  if (config.mode === 'emulator') {
    if (config.host) {
      emulatorHost = config.host
    } else {
      emulator = await startAuthEmulator({ projectId: config.projectId, port: config.port, dataDir, logger })
      emulatorHost = emulator.host
    }
    // firebase-admin reads this at every call; production refuses to start with it set (env.ts).
    process.env.FIREBASE_AUTH_EMULATOR_HOST = emulatorHost
  }
  const firebase = createFirebaseAuth(config)
  return {
    mode: config.mode,
    projectId: config.projectId,
    emulatorUrl: emulatorHost ? `http://${emulatorHost}` : undefined,
    embedded: !!emulator,
    firebase,
    users: new UserDirectory(sql, config.adminEmails),
    config,
    async stop() {
      await firebase.close()
      await emulator?.stop()
    }
  }
}
