import { AcknowledgeBody, AlarmIdParams } from '../../../alarms/alarm-schemas'
import { acknowledgeAlarm } from '../../../alarms/actions'
import { toAlarmJson } from '../../../alarms/alarm-json'

/** Acknowledges an alarm (seed 000), optionally with a comment; 409 if it already is. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm:acknowledge')
  const { id } = await validParams(event, AlarmIdParams, { id: 'key' })
  const { comment } = await validBody(event, AcknowledgeBody)
  const platform = await usePlatform()
  await requireAlarm(platform.db.sql, ctx, id, 'alarm:acknowledge')
  const outcome = await acknowledgeAlarm(platform.db.sql, id, ctx, comment ?? null)
  if (!outcome.ok) throw createError({ statusCode: 409, statusMessage: 'Conflict', message: 'The alarm is acknowledged already', data: { code: outcome.code } })
  platform.alarms.changed(outcome.alarm, 'acknowledged')
  return toAlarmJson(outcome.alarm)
})
