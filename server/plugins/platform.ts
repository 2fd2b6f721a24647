import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { loadConfig } from '../config/env'
import { createLogger } from '../logger'
import { startPlatform, type Platform } from '../platform'

const RETRY_MS = 5000

/** drizzle/ is not bundled (STACK-NOTES 8): MIGRATIONS_DIR, else ./drizzle, else next to .output/. */
function migrationsFolder(): string {
  if (process.env.MIGRATIONS_DIR) return resolve(process.env.MIGRATIONS_DIR)
  if (existsSync('drizzle')) return resolve('drizzle')
  return resolve(dirname(process.argv[1] ?? '.'), '../../drizzle')
}

/**
 * Starts the platform (database, bus, MQTT ingest, watchdog, simulator) with the server and stops it
 * on close — which Nitro also runs on SIGTERM, so the batch in flight drains first. A start that fails
 * (say the database is down) is retried until it succeeds.
 */
export default defineNitroPlugin((nitroApp) => {
  const config = loadConfig()
  const logger = createLogger(config.logLevel)
  const migrations = migrationsFolder()
  let closing = false
  let running: Platform | undefined

  const start = async (): Promise<Platform> => {
    for (;;) {
      try {
        running = await startPlatform(config, logger, migrations)
        return running
      } catch (err) {
        logger.error({ err: (err as Error).message }, `platform failed to start; retrying in ${RETRY_MS / 1000} s`)
        if (closing) throw err
        await new Promise(r => setTimeout(r, RETRY_MS))
      }
    }
  }
  const platform = start()
  platform.catch(() => {})
  setPlatform(platform)

  nitroApp.hooks.hook('close', async () => {
    closing = true
    await running?.stop()
    logger.info('platform stopped')
  })
})
