import { mkdirSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { PGlite } from '@electric-sql/pglite'
import postgres from 'postgres'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import * as schema from './schema'
import { toCopyText, type CopyValue } from './copy'

/** Parameterised SQL on either driver; the ingest hot path uses this directly. */
export interface SqlClient {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>
  /** Bulk-loads rows with COPY (the fastest way in, STACK-NOTES 19). */
  copyIn(table: string, columns: string[], rows: CopyValue[][]): Promise<void>
  /**
   * The rows of a query in batches of at most `batchSize`, read from a server-side cursor as the
   * caller asks for them, so a result of any size is never held in memory. Stop early with `break`.
   */
  cursor<T = Record<string, unknown>>(text: string, params?: unknown[], batchSize?: number): AsyncIterable<T[]>
}

const CURSOR_BATCH = 1000

const COPY_TIMEOUT_MS = 15_000
const RECONNECT_MAX_S = 1

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

/**
 * postgres.js connects with Nagle's algorithm on; COPY's last small message then waits ~40 ms for a
 * delayed ACK on every batch (STACK-NOTES 20). Connect the socket ourselves with TCP_NODELAY.
 *
 * Hand the socket over at once, still connecting (Node keeps the no-delay flag until it connects, and
 * queues postgres.js's first writes): a failed connect then reaches postgres.js as the socket's own
 * error and close, which it handles. Rejecting instead (waiting for 'connect') made postgres.js leak
 * the pool slot on every refused attempt — after a database restart every query hung forever.
 */
function noDelaySocket(o: { host: string[], port: number[], path?: string | false }): Socket {
  const socket = o.path ? connect(o.path) : connect(o.port[0] ?? 5432, o.host[0] ?? '127.0.0.1')
  socket.setNoDelay(true)
  return socket
}

function openPostgres(url: string, max: number): Database {
  // drizzle's postgres-js driver replaces its client's date parsers (timestamps come back as text and
  // Date parameters fail), so the ORM gets a small client of its own and the raw path keeps Dates.
  const ormClient = postgres(url, { max: 2, onnotice: () => {} })
  const client = postgres(url, {
    max,
    onnotice: () => {},
    // int8 as JS numbers, as PGlite returns them: counts and sequence numbers stay below 2^53.
    types: { bigint: { to: 20, from: [20], parse: (x: string) => Number(x), serialize: (x: number) => String(x) } },
    transform: { undefined: null },
    // postgres.js waits before reconnecting for min(3^failures / 100, 20) s: after a 20 s outage the
    // first query after the database is back waited 10–20 s more (the fault runs' catch-up stalls).
    // A connect attempt to a database that is down costs nothing: retry at least every second.
    backoff: (failures: number) => Math.min(0.05 * 2 ** failures, RECONNECT_MAX_S),
    // Supported by postgres.js, missing from its type definitions.
    ...({ socket: noDelaySocket } as object)
  })
  const wrap = (q: postgres.Sql | postgres.TransactionSql): SqlClient => ({
    query: async <T>(text: string, params: unknown[] = []) =>
      (await q.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[],
    transaction: async <T>(fn: (tx: SqlClient) => Promise<T>) =>
      (await (q as postgres.Sql).begin(tx => fn(wrap(tx)))) as T,
    copyIn: async (table, columns, rows) => {
      const stream = await q.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable()
      // postgres.js never finishes the stream when the server fails the COPY or the connection
      // drops mid-way; bound the wait so the batch fails (and is retried) instead of hanging.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => stream.destroy(new Error(`COPY into ${table} did not complete in ${COPY_TIMEOUT_MS} ms`)), COPY_TIMEOUT_MS)
        const done = (err?: Error) => {
          clearTimeout(timer)
          if (err) reject(err)
          else resolve()
        }
        stream.once('error', done)
        stream.once('finish', () => done())
        stream.once('close', () => done(new Error(`COPY into ${table} closed before it finished`)))
        stream.end(toCopyText(rows))
      })
    },
    // postgres.js reads through an unnamed portal, `batchSize` rows per Execute; the connection is
    // the cursor's until the iteration ends (breaking out of it closes the portal).
    cursor: <T>(text: string, params: unknown[] = [], batchSize = CURSOR_BATCH) =>
      q.unsafe(text, params as postgres.ParameterOrJSON<never>[]).cursor(batchSize) as unknown as AsyncIterable<T[]>
  })
  return {
    kind: 'postgres',
    location: redact(url),
    sql: wrap(client),
    orm: drizzlePostgres(ormClient, { schema }) as unknown as Orm,
    writeConcurrency: 2,
    migrate: folder => migratePostgres(drizzlePostgres(ormClient), { migrationsFolder: folder }),
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), ormClient.end({ timeout: 5 })])
    }
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
    },
    copyIn: async (table, columns, rows) => {
      await q.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, [], { blob: new Blob([toCopyText(rows)]) })
    },
    cursor: <T>(text: string, params: unknown[] = [], batchSize = CURSOR_BATCH) => pgliteCursor<T>(q, text, params, batchSize)
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

let cursorSeq = 0

/**
 * PGlite has a single connection, so a cursor inside a transaction would hold off every other query
 * (the ingest included) until the reader finished. A WITH HOLD cursor is declared outside one: Postgres
 * runs the query once at DECLARE into a tuplestore that spills to temporary files beyond work_mem,
 * and each FETCH is a short query of its own, between which the ingest gets the connection.
 */
async function* pgliteCursor<T>(q: Pick<PGlite, 'query'>, text: string, params: unknown[], batchSize: number): AsyncGenerator<T[]> {
  const name = `sql_cursor_${++cursorSeq}`
  await q.query(`declare ${name} no scroll cursor with hold for ${text}`, params)
  try {
    for (;;) {
      const { rows } = await q.query<T>(`fetch forward ${Math.max(1, Math.floor(batchSize))} from ${name}`)
      if (rows.length) yield rows
      if (rows.length < batchSize) return
    }
  } finally {
    await q.query(`close ${name}`)
  }
}
