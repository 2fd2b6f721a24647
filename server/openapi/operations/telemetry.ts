import { HistoryQuery, LatestQuery, PlcParams, SiteParams, TenantQuery } from '../../queries/schemas'
import { SiteFilterSchema } from '../../realtime/protocol'
import type { Operation } from '../operation'

const tag = 'Telemetry'

// Seed 000's read endpoints, paths as written there.
export const operations: Operation[] = [
  { method: 'get', path: '/api/sites', summary: 'Plants (sites) the caller may see', tag, permission: 'telemetry:read', query: TenantQuery },
  { method: 'get', path: '/api/plcs', summary: 'PLCs the caller may see', tag, permission: 'telemetry:read', query: TenantQuery },
  { method: 'get', path: '/api/plcs/{site}', summary: 'PLCs of one site', tag, permission: 'telemetry:read', params: SiteParams, query: TenantQuery },
  { method: 'get', path: '/api/plcs/{site}/{plcId}', summary: 'One PLC', tag, permission: 'telemetry:read', params: PlcParams, query: TenantQuery },
  { method: 'get', path: '/api/plcs/{site}/{plcId}/state', summary: 'Latest value of each metric of a PLC', tag, permission: 'telemetry:read', params: PlcParams, query: TenantQuery },
  { method: 'get', path: '/api/telemetry/{site}/{plcId}', summary: 'History of a PLC: raw or bucketed (`bucket=auto` keeps ≤ ~1,000 points per series), cursor-paginated', tag, permission: 'telemetry:read', params: PlcParams, query: HistoryQuery },
  { method: 'get', path: '/api/stream', summary: 'Live events as Server-Sent Events (`hello`, then telemetry / gateway_status events, `ping` every 15 s); `?token=` since EventSource cannot send headers. The WebSocket `/ws` takes the same filters.', tag, permission: 'telemetry:read', query: SiteFilterSchema },
  { method: 'get', path: '/api/telemetry/latest', summary: 'Most recently updated values, newest first', tag, permission: 'telemetry:read', query: LatestQuery }
]
