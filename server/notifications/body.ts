import type { AlarmJson } from '../alarms/alarm-json'

export const NOTIFIED_TRANSITIONS = ['raised', 'acknowledged', 'cleared'] as const
export type NotifiedTransition = typeof NOTIFIED_TRANSITIONS[number]
export const isNotified = (t: string): t is NotifiedTransition => (NOTIFIED_TRANSITIONS as readonly string[]).includes(t)
export type DeliveryEvent = NotifiedTransition | 'escalated'

/** The JSON every webhook receives (README "Notifications"). */
export interface NotificationBody {
  type: `alarm.${DeliveryEvent}`
  tenant: string
  site: string
  plcId: string | null
  /** Epoch ms: when the transition happened, or when the escalation level was reached. */
  occurredAt: number
  /** Set for escalations: the level (1-based) and the delay it waited for. */
  escalation?: { level: number, afterMinutes: number }
  alarm: AlarmJson
}

/** The body of a notification, serialised once so that every attempt sends (and signs) the same bytes. */
export function notificationBody(event: DeliveryEvent, alarm: AlarmJson, occurredAt: number, escalation?: NotificationBody['escalation']): string {
  const body: NotificationBody = {
    type: `alarm.${event}`, tenant: alarm.tenant, site: alarm.site, plcId: alarm.plcId, occurredAt,
    ...(escalation ? { escalation } : {}), alarm
  }
  return JSON.stringify(body)
}

/** When a transition happened, from the alarm as it was right after it. */
export function transitionTime(event: NotifiedTransition, alarm: AlarmJson): number {
  if (event === 'acknowledged') return alarm.acknowledgedAt ?? Date.now()
  if (event === 'cleared') return alarm.clearedAt ?? Date.now()
  return alarm.createdAt
}
