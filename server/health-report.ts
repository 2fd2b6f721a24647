import type { Platform } from './platform'
import { redactUrl } from './mqtt/subscriber'

type Part = { status: 'up' | 'down', mode: 'embedded' | 'external', location: string, [extra: string]: unknown }

const settle = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))])

/** What /health reports: the platform's status and each part's. */
export async function healthReport(starting: Promise<Platform> | undefined) {
  const p = starting && await settle(starting, 0).catch(() => undefined)
  if (!p) return { status: 'starting' as const, uptime: 0, parts: {} as Record<string, Part> }
  const dbUp = await settle(p.db.sql.query('select 1'), 2000).then(() => true, () => false)
  const parts: Record<string, Part> = {
    database: { status: dbUp ? 'up' : 'down', mode: p.db.kind === 'postgres' ? 'external' : 'embedded', location: p.db.location, driver: p.db.kind },
    mqtt: {
      status: p.subscriber.isConnected() ? 'up' : 'down',
      mode: p.broker ? 'embedded' : 'external',
      location: redactUrl(p.mqttUrl),
      brokerUrl: redactUrl(p.mqttUrl),
      ...(p.broker ? { port: p.broker.port, portFallbackFrom: p.broker.fallbackFrom ?? null } : {}),
      sharedGroup: p.config.mqtt.sharedGroup ?? null,
      // Client ids of dead group members whose sessions this instance is draining.
      ...(p.group ? { adopting: p.group.adopting() } : {})
    },
    bus: { status: p.bus.isUp() ? 'up' : 'down', mode: p.bus.kind === 'redis' ? 'external' : 'embedded', location: p.bus.location },
    auth: {
      status: 'up',
      mode: p.auth.embedded ? 'embedded' : 'external',
      location: p.auth.emulatorUrl ?? `firebase:${p.auth.projectId}`,
      authMode: p.auth.mode,
      projectId: p.auth.projectId,
      emulatorUrl: p.auth.emulatorUrl ?? null
    },
    ingest: { status: p.ingestor.degraded ? 'down' : 'up', mode: 'embedded', location: 'in-process', pending: p.ingestor.pending }
  }
  const down = Object.values(parts).some(x => x.status === 'down')
  return {
    status: down ? 'degraded' as const : 'ok' as const,
    uptime: Date.now() - p.startedAt,
    simulator: p.simulator ? 'running' : 'off',
    parts
  }
}
