import { HistoryQuery, LatestQuery, PlcParams, SiteParams, TenantQuery } from '../../queries/schemas'
import { ExportQuery, StatsQuery } from '../../queries/range-schemas'
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
  { method: 'get', path: '/api/telemetry/{site}/{plcId}/stats', summary: 'Per metric over a range: count, min, max, avg, first, last, firstTs, lastTs (exact: hourly and per-minute aggregates where whole, raw rows at the ends). Booleans read as 0/1, text is only counted; values kept only hourly count for the whole hours inside the range. `metric=a,b` or repeated.', tag, permission: 'telemetry:read', params: PlcParams, query: StatsQuery },
  { method: 'get', path: '/api/telemetry/{site}/{plcId}/export.csv', summary: 'History as a CSV download (RFC 4180, ISO timestamps), streamed with no row cap: raw values (`ts,metric,value,quality,unit`) or, with `bucket`, buckets (`ts,metric,count,avg,min,max`). Takes `?token=` for plain links.', tag, permission: 'export:run', params: PlcParams, query: ExportQuery, produces: 'text/csv' },
  { method: 'get', path: '/api/stream', summary: 'Live events as Server-Sent Events (`hello`, then telemetry / gateway_status events, `ping` every 15 s); `?token=` since EventSource cannot send headers. The WebSocket `/ws` takes the same filters.', tag, permission: 'telemetry:read', query: SiteFilterSchema },
  { method: 'get', path: '/api/telemetry/latest', summary: 'Most recently updated values, newest first', tag, permission: 'telemetry:read', query: LatestQuery }
]
