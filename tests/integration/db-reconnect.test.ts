import { createServer, connect, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../server/db/client'
import { freePort } from '../support/server'
import { createTestDatabase, waitFor } from '../support/services'

/**
 * A TCP relay in front of this machine's PostgreSQL that can be "stopped" (refusing connections and
 * cutting the open ones) and started again: a database restart as the app sees it, without touching
 * the shared server other tests use.
 */
class Relay {
  private server?: Server
  private sockets = new Set<Socket>()
  constructor(readonly port: number, private target: { host: string, port: number }) {}

  start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host)
      for (const s of [client, upstream]) {
        this.sockets.add(s)
        s.on('error', () => {})
        s.on('close', () => this.sockets.delete(s))
      }
      client.pipe(upstream).pipe(client)
    })
    return new Promise(r => this.server!.listen(this.port, '127.0.0.1', () => r()))
  }

  stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    return new Promise(r => (this.server ? this.server.close(() => r()) : r()))
  }
}

describe('the PostgreSQL client after the database went away', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  let relay: Relay
  let client: Database

  beforeAll(async () => {
    db = await createTestDatabase()
    const target = new URL(db.url)
    relay = new Relay(await freePort(), { host: target.hostname, port: Number(target.port || 5432) })
    await relay.start()
    const url = new URL(db.url)
    url.port = String(relay.port)
    client = await openDatabase({ kind: 'postgres', url: url.toString(), max: 2 })
  })

  afterAll(async () => {
    await client?.close()
    await relay?.stop()
    await db?.drop()
  })

  it('fails queries while the database refuses connections, then works again by itself', async () => {
    expect(await client.sql.query('select 1 as one')).toEqual([{ one: 1 }])
    await relay.stop()
    // Refused attempts: each used to leak a pool slot, until every query hung forever; and each
    // lengthened postgres.js's reconnect delay, up to 20 s.
    for (let i = 0; i < 8; i++) {
      await expect(client.sql.transaction(tx => tx.query('select 1'))).rejects.toThrow()
    }
    await relay.start()
    const back = Date.now()
    const rows = await waitFor(() => Promise.race([
      client.sql.transaction(tx => tx.query<{ one: number }>('select 1 as one')).catch(() => undefined),
      new Promise<undefined>(r => setTimeout(r, 2000))
    ]), 15_000, 'a transaction after the database came back')
    expect(rows).toEqual([{ one: 1 }])
    expect(Date.now() - back).toBeLessThan(3000)
  })

  it('still bulk-loads with COPY over its no-delay sockets', async () => {
    await client.sql.transaction(async (tx) => {
      await tx.query('create temp table copy_probe (a int, b text) on commit drop')
      await tx.copyIn('copy_probe', ['a', 'b'], [[1, 'x'], [2, 'y']])
      expect(await tx.query('select count(*)::int as n from copy_probe')).toEqual([{ n: 2 }])
    })
  })
})
