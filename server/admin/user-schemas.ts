import { z } from 'zod'
import { ROLES } from '../auth/types'
import { pageOf, pageQuery, textKey } from './page'
import { epochMsJson, slug } from './schemas'
import { TenantQuery } from '../queries/schemas'

const email = z.string().trim().toLowerCase().pipe(z.email().max(254))
const role = z.enum(ROLES)
/** Plant access as site slugs; `'all'` (the default) is every plant of the tenant, now and later. */
const plants = z.union([z.literal('all'), z.array(slug).min(1).max(500)], { error: 'expected "all" or a list of site slugs' })
  .describe('"all", or the sites the user may see')

// Admins see every plant whatever is stored (server/auth/policy.ts): a list for one would be a lie.
const adminSeesAll = (u: { role?: string, plants?: unknown }) => u.role !== 'admin' || u.plants === undefined || u.plants === 'all'
const ADMIN_PLANTS = { path: ['plants'], message: 'an admin sees every plant; give "all" or another role' }

export const UserParams = z.object({ id: z.uuid() })
export const UserListQuery = pageQuery(z.tuple([textKey])).extend({
  ...TenantQuery.shape,
  role: role.optional(),
  q: z.string().trim().toLowerCase().min(1).max(254).optional().describe('Only users whose email contains this (case-insensitive)')
})
export const UserCreateBody = TenantQuery.extend({
  email,
  role,
  plants: plants.default('all'),
  password: z.string().min(6).max(128).optional()
    .describe('Without one the account gets no password and the response carries a link to set it'),
  // Platform admins are named by ADMIN_EMAILS or the database, never created through the API.
  platformAdmin: z.literal(false, { error: 'platform admins cannot be created here' }).optional()
}).refine(adminSeesAll, ADMIN_PLANTS)
export const UserPatchBody = z.object({ role: role.optional(), plants: plants.optional() })
  .refine(o => o.role !== undefined || o.plants !== undefined, { path: ['role'], message: 'give role and/or plants' })
  .refine(adminSeesAll, ADMIN_PLANTS)

export const UserJson = z.object({
  id: z.uuid(),
  email: z.string(),
  tenant: z.string().nullable(),
  role,
  plants: z.union([z.literal('all'), z.array(z.string())]),
  platformAdmin: z.boolean(),
  createdAt: epochMsJson
})
export type UserJson = z.infer<typeof UserJson>
export const UserPage = pageOf(UserJson)
export const UserCreated = z.object({
  user: UserJson,
  passwordResetLink: z.string().nullable().describe('When no password was given: the link that lets the user set one')
})
