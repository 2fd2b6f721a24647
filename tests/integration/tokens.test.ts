import { resolve } from 'node:path'
import type { Server } from 'node:http'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../support/server'
import { createTestDataDir, createTestDatabase, uniqueId } from '../support/services'
import { newAccount } from '../support/auth'
import { createSigningKey, idTokenClaims, serveCertificates, signToken, type SigningKey } from '../support/signed-tokens'

// ID tokens in production mode, where firebase-admin checks signatures against Google's published
// certificates. The only stand-in is that certificate endpoint (tests/support/google-certs-preload.mjs):
// tokens here are signed by a key of this test, published there under its kid.

const PROJECT = 'demo-plant-telemetry'
const PRELOAD = resolve(import.meta.dirname, '../support/google-certs-preload.mjs')
const uid = uniqueId('uid')
const email = `${uid}@test.local`

let server: RunningServer
let certs: Server
let drop: () => Promise<void>
const data = createTestDataDir()
let googleKey: SigningKey
let strangerKey: SigningKey

const status = async (token?: string) => (await fetch(`${server.url}/api/admin/access`, { headers: token ? { authorization: `Bearer ${token}` } : {} })).status

beforeAll(async () => {
  googleKey = createSigningKey('test-kid-1')
  // Same kid, another key: what a forger who read the published kid would sign with.
  strangerKey = { ...createSigningKey('test-kid-1'), certPem: '' }
  const published = await serveCertificates([googleKey])
  certs = published.server
  const db = await createTestDatabase()
  drop = db.drop
  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  server = await startServer({ DATABASE_URL: db.url, DATA_DIR: data.dir, MQTT_EMBEDDED_PORT: '0', NODE_OPTIONS: `--import ${PRELOAD}`, GOOGLE_CERTS_URL: published.url })
  const [t] = await sql`insert into tenants (slug, name) values (${uid.replace(/_/g, '-')}, 'T') returning id`
  await sql`insert into users (firebase_uid, email, tenant_id, role) values (${uid}, ${email}, ${t!.id}, 'viewer')`
  await sql.end()
})

afterAll(async () => {
  await server?.stop()
  certs?.close()
  await drop?.()
  data.remove()
})

describe('ID tokens in production mode', () => {
  it('accepts a token signed by the published key for this project', async () => {
    expect(await status(signToken(googleKey, idTokenClaims(PROJECT, uid, email)))).toBe(200)
  })

  it('refuses a missing token, a forged signature, a hand-edited claim and an expired token', async () => {
    expect(await status()).toBe(401)
    expect(await status(signToken(strangerKey, idTokenClaims(PROJECT, uid, email)))).toBe(401)
    const [h, , s] = signToken(googleKey, idTokenClaims(PROJECT, uid, email)).split('.')
    const edited = Buffer.from(JSON.stringify(idTokenClaims(PROJECT, 'someone-else', email))).toString('base64url')
    expect(await status(`${h}.${edited}.${s}`)).toBe(401)
    const hourAgo = Math.floor(Date.now() / 1000) - 3600
    expect(await status(signToken(googleKey, idTokenClaims(PROJECT, uid, email, { iat: hourAgo - 3600, exp: hourAgo })))).toBe(401)
  })

  it('refuses another project\'s token, alg none, and an emulator token', async () => {
    const other = idTokenClaims('another-project', uid, email, { iss: 'https://securetoken.google.com/another-project' })
    expect(await status(signToken(googleKey, other))).toBe(401)
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(idTokenClaims(PROJECT, uid, email))).toString('base64url')}.`
    expect(await status(none)).toBe(401)
    expect(await status((await newAccount()).token)).toBe(401)
  })
})

describe('production mode start-up', () => {
  it('refuses to start with the Auth emulator configured, saying why', async () => {
    const started = startServer({ FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099', DATA_DIR: data.dir, MQTT_EMBEDDED_PORT: '0' }, 20_000)
    await expect(started).rejects.toThrow(/FIREBASE_AUTH_EMULATOR_HOST.*refused in production/)
  })
})
