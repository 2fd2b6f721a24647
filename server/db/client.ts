import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import postgres from 'postgres'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import * as schema from './schema'

/** Parameterised SQL on either driver; the ingest hot path uses this directly. */
export interface SqlClient {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>
}

export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>

export interface Database {
  kind: 'postgres' | 'pglite'
  /** Where it is, for logs and /health (no password). */
  location: string
  sql: SqlClient
  orm: Orm
  /** How many transactions the ingest may run at once. */
  writeConcurrency: number
  migrate(migrationsFolder: string): Promise<void>
  close(): Promise<void>
}

export type DatabaseConfig = { kind: 'postgres', url: string, max?: number } | { kind: 'pglite', dataDir: string }

/** Opens PostgreSQL (postgres.js) or the embedded PGlite, behind one interface. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === 'postgres' ? openPostgres(config.url, config.max ?? 6) : openPglite(config.dataDir)
}

function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres'
  }
}

function openPostgres(url: string, max: number): Database {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    // int8 as JS numbers, as PGlite returns them: counts and sequence numbers stay below 2^53.
    types: { bigint: { to: 20, from: [20], parse: (x: string) => Number(x), serialize: (x: number) => String(x) } },
    transform: { undefined: null }
  })
  const wrap = (q: postgres.Sql | postgres.TransactionSql): SqlClient => ({
    query: async <T>(text: string, params: unknown[] = []) =>
      (await q.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[],
    transaction: async <T>(fn: (tx: SqlClient) => Promise<T>) =>
      (await (q as postgres.Sql).begin(tx => fn(wrap(tx)))) as T
  })
  return {
    kind: 'postgres',
    location: redact(url),
    sql: wrap(client),
    orm: drizzlePostgres(client, { schema }) as unknown as Orm,
    writeConcurrency: 2,
    migrate: folder => migratePostgres(drizzlePostgres(client), { migrationsFolder: folder }),
    close: () => client.end({ timeout: 5 })
  }
}

async function openPglite(dataDir: string): Promise<Database> {
  if (dataDir !== 'memory://') mkdirSync(dataDir, { recursive: true })
  const pg = await PGlite.create(dataDir)
  const wrap = (q: Pick<PGlite, 'query'> & { transaction?: PGlite['transaction'] }): SqlClient => ({
    query: async <T>(text: string, params: unknown[] = []) => (await q.query<T>(text, params)).rows,
    transaction: async <T>(fn: (tx: SqlClient) => Promise<T>) => {
      // PGlite has one connection: a nested "transaction" simply runs inside the outer one.
      if (!q.transaction) return fn(wrap(q))
      return q.transaction(tx => fn(wrap(tx)))
    }
  })
  return {
    kind: 'pglite',
    location: dataDir,
    sql: wrap(pg),
    orm: drizzlePglite(pg, { schema }) as unknown as Orm,
    writeConcurrency: 1,
    migrate: folder => migratePglite(drizzlePglite(pg), { migrationsFolder: folder }),
    close: () => pg.close()
  }
}
