// `npm run db:migrate`: applies drizzle/ migrations to DATABASE_URL (or the embedded PGlite in DATA_DIR).
import { resolve } from 'node:path'
import { loadConfig } from '../server/config/env'
import { openDatabase } from '../server/db/client'
import { ensureTelemetryPartitions } from '../server/db/partitions'

const config = loadConfig()
const db = await openDatabase(config.database)
try {
  await db.migrate(resolve(process.env.MIGRATIONS_DIR ?? 'drizzle'))
  const created = await ensureTelemetryPartitions(db.sql)
  console.log(`migrated ${db.kind} at ${db.location}; ${created} new telemetry partitions`)
} finally {
  await db.close()
}
