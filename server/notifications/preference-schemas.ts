import { z } from 'zod'
import { ALL_SEVERITIES, severityList, siteList, transitionList } from './schemas'

export const PreferencesBody = z.object({
  enabled: z.boolean(),
  severities: severityList.default(ALL_SEVERITIES),
  sites: siteList.default([]).describe('Site slugs among the caller\'s plants; empty: all of them'),
  events: transitionList.default(['raised'])
})
export type PreferencesInput = z.infer<typeof PreferencesBody>

export const PreferencesJson = z.object({
  enabled: z.boolean(),
  severities: z.array(z.string()),
  sites: z.array(z.string()),
  events: z.array(z.string()),
  /** How the platform tells users: `outbox` (an email-like log) unless the deployment plugs in another notifier. */
  channel: z.string(),
  updatedAt: z.number().nullable()
}).meta({ id: 'NotificationPreferences' })
export type PreferencesJson = z.infer<typeof PreferencesJson>
