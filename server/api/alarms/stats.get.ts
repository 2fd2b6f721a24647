import { AlarmStatsQuery } from '../../alarms/alarm-schemas'
import { alarmStats } from '../../alarms/stats'

const DAY_MS = 86_400_000

/** Counts by severity and state, mean time to acknowledge and to clear; the last 24 h unless said. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm:read')
  const q = await validQuery(event, AlarmStatsQuery)
  const { db } = await usePlatform()
  const to = q.to ?? Date.now()
  return alarmStats(db.sql, readScope(ctx, q.tenant), q.site, q.from ?? to - DAY_MS, to)
})
