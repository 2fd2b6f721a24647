import { PlantCreateBody, PlantDeleteQuery, PlantJson, PlantListQuery, PlantPage, PlantParams, PlantPatchBody } from '../../admin/plant-schemas'
import { TenantQuery } from '../../queries/schemas'
import type { Operation } from '../operation'

const tag = 'Plants'

export const operations: Operation[] = [
  { method: 'get', path: '/api/plants', summary: 'List the plants the caller may see, with counts', tag, permission: 'telemetry:read', query: PlantListQuery, response: PlantPage },
  { method: 'post', path: '/api/plants', summary: 'Create a plant', tag, permission: 'plant:write', body: PlantCreateBody, status: 201, response: PlantJson },
  { method: 'patch', path: '/api/plants/{site}', summary: 'Rename a plant or correct its province', tag, permission: 'plant:write', params: PlantParams, query: TenantQuery, body: PlantPatchBody, response: PlantJson },
  { method: 'delete', path: '/api/plants/{site}', summary: 'Delete a plant and all it owns', tag, permission: 'plant:write', params: PlantParams, query: PlantDeleteQuery, status: 204 }
]
