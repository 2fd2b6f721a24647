import { z } from 'zod'
import { persistModes } from '../config/env'

const slug = z.string().trim().min(1).max(128)

/** Where a rule applies: nothing (the whole tenant), a site, a PLC of a site, and/or one metric. */
export const PersistRuleScope = z.object({
  tenant: slug.optional().describe('Platform admins: the tenant; others may omit it'),
  site: slug.optional(),
  plcId: slug.optional(),
  metric: slug.optional()
}).refine(s => !s.plcId || s.site, { path: ['site'], message: 'required with plcId (PLC ids are unique per site)' })

export const PersistRuleBody = PersistRuleScope.and(z.object({ mode: z.enum(persistModes) }))
export const PersistRuleModeBody = z.object({ mode: z.enum(persistModes) })
export const PersistRuleIdParams = z.object({ id: z.uuid() })
export const PersistRuleListQuery = z.object({ tenant: slug.optional() })
