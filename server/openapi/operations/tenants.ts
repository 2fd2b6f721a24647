import { TenantCreateBody, TenantDeleteQuery, TenantJson, TenantListQuery, TenantPage, TenantParams, TenantPatchBody } from '../../admin/tenant-schemas'
import type { Operation } from '../operation'

const tag = 'Tenants'

export const operations: Operation[] = [
  { method: 'get', path: '/api/tenants', summary: 'List tenants', tag, permission: 'tenant:manage', query: TenantListQuery, response: TenantPage },
  { method: 'post', path: '/api/tenants', summary: 'Create a tenant', tag, permission: 'tenant:manage', body: TenantCreateBody, status: 201, response: TenantJson },
  { method: 'patch', path: '/api/tenants/{tenant}', summary: 'Rename a tenant', tag, permission: 'tenant:manage', params: TenantParams, body: TenantPatchBody, response: TenantJson },
  { method: 'delete', path: '/api/tenants/{tenant}', summary: 'Delete a tenant and all it owns', tag, permission: 'tenant:manage', params: TenantParams, query: TenantDeleteQuery, status: 204 }
]
