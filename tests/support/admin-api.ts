import type { MqttClient } from 'mqtt'
import postgres from 'postgres'
import { expect } from 'vitest'
import { DEMO_USERS } from '../../server/auth/demo-users'
import { bearer, emulatorServerEnv, signIn } from './auth'
import { connectClient, endClient, publish } from './mqtt'
import { startServer, type RunningServer } from './server'
import { createTestDatabase, SERVICES, uniqueId } from './services'

/** The demo users by what they are (server/auth/demo-users.ts). */
export const AS = {
  admin: 'admin@demo.local',
  manager: 'manager@demo.local',
  operator: 'operator@demo.local',
  viewer: 'viewer@demo.local',
  otherAdmin: 'admin@other.local',
  platform: 'platform@demo.local'
} as const
export type Caller = keyof typeof AS
export const CALLERS = Object.keys(AS) as Caller[]

/** A JSON reply read loosely: the tests check its shape with expect, not with the compiler. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any

export interface Reply<T = Loose> {
  status: number
  body: T
}

export interface ErrorBody {
  statusCode: number
  message: string
  data: { code: string, field?: string }
}

/** What an error response says, without the request URL (and, in development, the stack) around it. */
export const errorOf = (b: ErrorBody & { statusMessage?: string }) => ({ statusCode: b.statusCode, statusMessage: b.statusMessage, message: b.message, data: b.data })

export interface AdminApi {
  server: RunningServer
  /** The server's database, for tools run beside it. */
  databaseUrl: string
  /** A direct connection to the server's database, for what the API does not show. */
  sql: postgres.Sql
  mqtt: MqttClient
  call<T = Loose>(who: Caller | string, method: string, path: string, body?: unknown): Promise<Reply<T>>
  /** The call, expecting `status`; returns the body. */
  expectStatus<T = Loose>(status: number, who: Caller | string, method: string, path: string, body?: unknown): Promise<T>
  publish(topic: string, payload: object | string): Promise<void>
  stop(): Promise<void>
}

/**
 * The built server on a database of its own, PostgreSQL and this machine's Mosquitto, with the demo
 * tenants and users, and an ID token per demo user. Writes are not rate-limited: the tests make many.
 */
export async function startAdminApi(env: Record<string, string> = {}): Promise<AdminApi> {
  const db = await createTestDatabase()
  const clientId = uniqueId('admin-api')
  const server = await startServer({
    ...emulatorServerEnv(), DATABASE_URL: db.url, MQTT_URL: SERVICES.mosquittoUrl, MQTT_CLIENT_ID: clientId,
    DEMO_DATA: '1', RATE_LIMIT_WRITES_PER_MIN: '100000', ...env
  })
  const tokens = new Map<string, string>()
  for (const u of DEMO_USERS) tokens.set(u.email, await signIn(u.email))
  const sql = postgres(db.url, { max: 2, onnotice: () => {} })
  const mqtt = await connectClient(SERVICES.mosquittoUrl, { clientId: uniqueId('admin-pub') })

  const call = async <T>(who: string, method: string, path: string, body?: unknown): Promise<Reply<T>> => {
    const token = tokens.get(AS[who as Caller] ?? who) ?? who
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...bearer(token), accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T }
  }
  return {
    server, databaseUrl: db.url, sql, mqtt, call,
    async expectStatus<T>(status: number, who: string, method: string, path: string, body?: unknown): Promise<T> {
      const reply = await call<T>(who, method, path, body)
      expect(reply.status, `${who} ${method} ${path}: ${JSON.stringify(reply.body)}`).toBe(status)
      return reply.body
    },
    publish: (topic, payload) => publish(mqtt, topic, payload),
    async stop() {
      await endClient(mqtt)
      await sql.end()
      await server.stop()
      // The ingest keeps a persistent MQTT session; end it so the broker stops queueing for this client id.
      await connectClient(SERVICES.mosquittoUrl, { clientId, clean: true, protocolVersion: 5 }).then(endClient, () => {})
      await db.drop()
    }
  }
}

/**
 * Shape A telemetry for a PLC behind a gateway of a demo plant (seed 000's format): the ingest creates
 * the gateway and the PLC as pending.
 */
export function shapeA(site: string, gatewayId: string, plcId: string, value = 1) {
  return {
    topic: `factory/granix/ba/${site}/gateway/${gatewayId}/telemetry`,
    payload: {
      schemaVersion: 1, timestamp: Date.now(), type: 'telemetry', tenant: 'granix', province: 'ba', plant: site,
      gatewayId, plcId, metricId: 'temp_head', value, dataType: 'float', unit: 'celsius', quality: 'GOOD'
    }
  }
}

/** Every page of a list, following nextCursor. */
export async function walkPages<T>(api: AdminApi, who: Caller, path: string): Promise<T[][]> {
  const sep = path.includes('?') ? '&' : '?'
  const pages: T[][] = []
  let cursor: string | null = null
  do {
    const page: { items: T[], nextCursor: string | null } = await api.expectStatus(200, who, 'GET', `${path}${cursor ? `${sep}cursor=${cursor}` : ''}`)
    pages.push(page.items)
    cursor = page.nextCursor
  } while (cursor && pages.length < 500)
  return pages
}

/** Role × route, side-effect free: permission comes before validation, so an invalid request gets 403 or 422. */
export async function expectRoleMatrix(api: AdminApi, routes: [string, string, unknown][], allowed: Caller[]) {
  for (const who of CALLERS) {
    for (const [method, path, body] of routes) {
      const { status, body: reply } = await api.call(who, method, path, body)
      expect(status, `${who} ${method} ${path}: ${JSON.stringify(reply)}`).toBe(allowed.includes(who) ? 422 : 403)
    }
  }
}
