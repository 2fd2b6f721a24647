import { z } from 'zod'
import { SEVERITIES, type Severity } from '../alarms/rules'
import { NOTIFIED_TRANSITIONS } from './body'

/** Shared pieces of the notification APIs' bodies. */
export const slug = z.string().trim().min(1).max(128)
export const tenantField = slug.optional().describe('Platform admins: the tenant; others may omit it')

const unique = <T>(items: T[]) => new Set(items).size === items.length

export const severityList = z.array(z.enum(SEVERITIES as [Severity, ...Severity[]])).min(1).max(SEVERITIES.length)
  .refine(unique, 'no severity twice')
export const transitionList = z.array(z.enum(NOTIFIED_TRANSITIONS)).min(1).max(NOTIFIED_TRANSITIONS.length)
  .refine(unique, 'no transition twice')
export const siteList = z.array(slug).max(200).refine(unique, 'no site twice')
  .describe('Site slugs; empty: every plant')

export const ALL_SEVERITIES = [...SEVERITIES]
