import type { Registry } from 'prom-client'
import { realtimeStats } from '../realtime/realtime'
import { createPrometheusRegistry, metricsReport, type MetricsReport } from '../metrics-report'

let registry: Registry | undefined
let latest: MetricsReport | undefined

/** Seed 000's JSON metrics; Prometheus text with `Accept: text/plain` or `?format=prometheus`. */
export default defineEventHandler(async (event) => {
  const report = await metricsReport(await usePlatform(), realtimeStats())
  const format = getQuery(event).format
  const accept = getHeader(event, 'accept') ?? ''
  if (format === 'prometheus' || (format === undefined && accept.includes('text/plain'))) {
    latest = report
    registry ??= createPrometheusRegistry(() => latest)
    setHeader(event, 'content-type', registry.contentType)
    return registry.metrics()
  }
  return report
})
