import { z } from 'zod'
import { pageOf, pageQuery, textKey } from './page'
import { displayName, epochMsJson, newSlug, queryFlag, slug } from './schemas'

export const TenantParams = z.object({ tenant: slug })
export const TenantListQuery = pageQuery(z.tuple([textKey]))
export const TenantCreateBody = z.object({ tenant: newSlug.describe('The slug gateways put in their topics'), name: displayName })
// The slug is in every gateway's topics and certificates' policies: it is not renamed here.
export const TenantPatchBody = z.object({ name: displayName })
export const TenantDeleteQuery = z.object({
  force: queryFlag.default(false).describe('Also delete a tenant that has plants, with all their data')
})

export const TenantJson = z.object({
  tenant: z.string(),
  name: z.string(),
  plants: z.number().int(),
  users: z.number().int(),
  createdAt: epochMsJson
})
export type TenantJson = z.infer<typeof TenantJson>
export const TenantPage = pageOf(TenantJson)
