import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { Redis } from 'ioredis'

/** This machine's services (SPEC: tests use the real ones). Overridable for other machines. */
export const SERVICES = {
  postgresAdminUrl: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  mosquittoUrl: process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883',
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
}

export const uniqueId = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`

/** A PostgreSQL database of the test's own, dropped afterwards. */
export async function createTestDatabase(): Promise<{ url: string, drop: () => Promise<void> }> {
  const name = uniqueId('pt_test')
  const admin = postgres(SERVICES.postgresAdminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  await admin.end()
  const url = new URL(SERVICES.postgresAdminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const a = postgres(SERVICES.postgresAdminUrl, { max: 1, onnotice: () => {} })
      await a.unsafe(`drop database if exists ${name} with (force)`)
      await a.end()
    }
  }
}

/** A PGlite data directory of the test's own, removed afterwards. */
export function createTestDataDir(): { dir: string, remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pt-test-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Deletes every Redis key under a prefix the test used. */
export async function clearRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(SERVICES.redisUrl)
  const keys = await redis.keys(`${prefix}*`)
  if (keys.length) await redis.del(...keys)
  await redis.quit()
}

/** Polls until `check` returns a truthy value, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  while (Date.now() < deadline) {
    last = await check()
    if (last) return last as NonNullable<T>
    await new Promise(r => setTimeout(r, 50))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`)
}
