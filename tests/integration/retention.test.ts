import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../server/db/client'
import { ensurePlant } from '../../server/db/demo-data'
import { pruneExpired } from '../../server/retention/prune'
import { MIGRATIONS } from '../support/platform'
import { createTestDataDir, createTestDatabase, uniqueId } from '../support/services'

// Retention on PostgreSQL and PGlite: cleared alarms past their days go with their history and
// notifications; open alarms, recent ones and pending deliveries stay, whatever their age.

describe.each(['postgres', 'pglite'] as const)('retention on %s', (kind) => {
  let db: Database
  let cleanup: () => Promise<void> | void
  let plant: { tenantId: string, plantId: string }

  beforeAll(async () => {
    if (kind === 'postgres') {
      const testDb = await createTestDatabase()
      db = await openDatabase({ kind, url: testDb.url })
      cleanup = testDb.drop
    } else {
      const dir = createTestDataDir()
      db = await openDatabase({ kind, dataDir: join(dir.dir, 'pglite') })
      cleanup = dir.remove
    }
    await db.migrate(MIGRATIONS)
    plant = await ensurePlant(db.sql, { tenant: 'ret', tenantName: 'ret', province: 'p', plant: 'plant', plantName: 'plant' })
  })
  afterAll(async () => {
    await db?.close()
    await cleanup?.()
  })

  /** An alarm `days` old, cleared then or still open, with one event and one delivery of `status`. */
  async function alarm(days: number, state: 'cleared' | 'active', status = 'delivered'): Promise<string> {
    const [row] = await db.sql.query<{ id: string }>(
      `insert into alarms (tenant_id, plant_id, type, message, severity, state, ts, cleared_at, condition_key)
       values ($1, $2, 'threshold', 'm', 'high', $3, now() - make_interval(days => $4), case when $3 = 'cleared' then now() - make_interval(days => $4) end, $5) returning id`,
      [plant.tenantId, plant.plantId, state, days, uniqueId('key')])
    await db.sql.query(`insert into alarm_events (tenant_id, alarm_id, kind, at) values ($1, $2, 'raised', now())`, [plant.tenantId, row!.id])
    await db.sql.query(
      `insert into notification_deliveries (tenant_id, alarm_id, event, body, status, created_at) values ($1, $2, 'raised', '{}', $3, now() - make_interval(days => $4))`,
      [plant.tenantId, row!.id, status, days])
    return row!.id
  }
  const exists = async (table: string, column: string, id: string) => (await db.sql.query(`select 1 from ${table} where ${column} = $1`, [id])).length > 0

  it('deletes cleared alarms past their retention with their history and deliveries; keeps the rest', async () => {
    const old = await alarm(400, 'cleared')
    const recent = await alarm(10, 'cleared')
    const openOld = await alarm(400, 'active')
    const pendingOld = await alarm(40, 'active', 'pending')
    await db.sql.query(`insert into notification_outbox (tenant_id, recipient, subject, body, created_at) values ($1, 'a@b', 's', 'b', now() - interval '40 days'), ($1, 'a@b', 's', 'b', now())`, [plant.tenantId])

    const pruned = await pruneExpired(db.sql, { alarmDays: 365, notificationDays: 30 })

    // The old cleared alarm, and the old delivered delivery of the old open one (30 days for logs).
    expect(pruned).toEqual({ alarms: 1, deliveries: 1, outbox: 1 })
    expect(await exists('alarms', 'id', old)).toBe(false)
    expect(await exists('alarm_events', 'alarm_id', old)).toBe(false)
    expect(await exists('notification_deliveries', 'alarm_id', old)).toBe(false)
    for (const kept of [recent, openOld, pendingOld]) {
      expect(await exists('alarms', 'id', kept)).toBe(true)
      expect(await exists('alarm_events', 'alarm_id', kept)).toBe(true)
    }
    expect(await exists('notification_deliveries', 'alarm_id', openOld)).toBe(false)
    expect(await exists('notification_deliveries', 'alarm_id', pendingOld)).toBe(true)
    expect(await exists('notification_deliveries', 'alarm_id', recent)).toBe(true)
    // A second round finds nothing more.
    expect(await pruneExpired(db.sql, { alarmDays: 365, notificationDays: 30 })).toEqual({ alarms: 0, deliveries: 0, outbox: 0 })
  })
})
