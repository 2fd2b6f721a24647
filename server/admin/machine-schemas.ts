import { z } from 'zod'
import { pageOf, pageQuery, textKey } from './page'
import { displayName, epochMsJson, slug } from './schemas'
import { TenantQuery } from '../queries/schemas'

const status = z.enum(['pending', 'active', 'rejected'])

export const MachineListQuery = pageQuery(z.tuple([textKey, textKey, textKey])).extend({
  ...TenantQuery.shape,
  site: slug.optional(),
  status: status.optional()
})
// The body is optional: POST …/approve with none keeps the name.
export const MachineApproveBody = z.object({ name: displayName.optional() }).default({})
export const MachineUpdateBody = z.object({
  name: displayName.nullable().optional().describe('null clears it'),
  machineType: slug.nullable().optional().describe('e.g. press; alarm rules may apply to every machine of a type; null clears it')
}).refine(b => b.name !== undefined || b.machineType !== undefined, { path: ['name'], message: 'name or machineType is required' })

/**
 * A claim code names a machine by what its gateway knows: `{gatewayThingName}/{plcId}`. Thing names
 * cannot contain `/` (AWS IoT allows `[a-zA-Z0-9:_-]`), so the first `/` separates the two. It is an
 * identifier, not a secret: claiming also needs machine:manage on the site.
 */
export const ClaimCode = z.string().trim().max(300)
  .regex(/^[^/\s]+\/\S.*$/, 'expected {gatewayId}/{plcId}, as the gateway shows it')
  .transform((code) => {
    const at = code.indexOf('/')
    return { gatewayId: code.slice(0, at), plcId: code.slice(at + 1) }
  })

export const MachineClaimBody = TenantQuery.extend({
  claimCode: ClaimCode,
  site: slug.describe('The site the machine is at'),
  name: displayName.optional()
})

export const MachineJson = z.object({
  plcId: z.string(),
  name: z.string().nullable(),
  machineType: z.string().nullable(),
  status,
  site: z.string(),
  tenant: z.string(),
  gatewayId: z.string().nullable().describe('Thing name of the gateway its messages came through'),
  createdAt: epochMsJson,
  lastValueAt: epochMsJson.nullable().describe('Timestamp of its newest value')
})
export type MachineJson = z.infer<typeof MachineJson>
export const MachinePage = pageOf(MachineJson)
