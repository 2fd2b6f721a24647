import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateToken } from '../../server/auth/authenticate'
import { DEMO_USERS } from '../../server/auth/demo-users'
import { createPlant, startTestPlatform, type TestPlatform } from '../support/platform'
import { spawnSync } from 'node:child_process'
import postgres from 'postgres'
import { createUser, emulatorHost, newAccount, signIn } from '../support/auth'
import { createTestDatabase, uniqueId } from '../support/services'

// Token → access context through the real Firebase Auth emulator and the users table.

let t: TestPlatform
let plant: { tenantId: string, plantId: string }

beforeAll(async () => {
  t = await startTestPlatform('embedded', { DEMO_DATA: '1', ADMIN_EMAILS: 'Boss@Test.Local' })
  plant = await createPlant(t.platform, 'auth-t', 'ba', 'p1')
})

afterAll(async () => {
  await t?.cleanup()
})

const statusOf = (p: Promise<unknown>) => p.then(() => 200, (err: { statusCode?: number }) => err.statusCode)

describe('authenticateToken', () => {
  it('gives each demo user their tenant, role and plants from the users table', async () => {
    for (const u of DEMO_USERS) {
      const ctx = await authenticateToken(t.platform, await signIn(u.email))
      expect(ctx).toMatchObject({ email: u.email, tenantSlug: u.tenant, role: u.role, platformAdmin: !!u.platformAdmin })
      expect(ctx.plantAccess === 'all').toBe(!u.plants)
    }
  })

  it('refuses a missing, malformed or forged token with 401 and an unknown user with 403', async () => {
    expect(await statusOf(authenticateToken(t.platform, undefined))).toBe(401)
    expect(await statusOf(authenticateToken(t.platform, 'not-a-jwt'))).toBe(401)
    expect(await statusOf(authenticateToken(t.platform, (await newAccount()).token))).toBe(403)
  })

  it('links an invited email to its Firebase account at first sign-in, once the email is verified', async () => {
    const { email } = await newAccount()
    await t.platform.db.sql.query(`insert into users (email, tenant_id, role) values ($1, $2, 'viewer')`, [email.toUpperCase(), plant.tenantId])
    // Anyone can sign up with any address: an unverified one claims nothing.
    expect(await statusOf(authenticateToken(t.platform, await signIn(email)))).toBe(403)
    const { uid } = await t.platform.auth.firebase.auth.getUserByEmail(email)
    await t.platform.auth.firebase.auth.updateUser(uid, { emailVerified: true })
    t.platform.usersChanged(uid)
    const ctx = await authenticateToken(t.platform, await signIn(email))
    expect(ctx).toMatchObject({ tenantId: plant.tenantId, role: 'viewer', tenantSlug: 'auth-t' })
    const [row] = await t.platform.db.sql.query<{ firebase_uid: string }>(`select firebase_uid from users where lower(email) = $1`, [email])
    expect(row!.firebase_uid).toBe(ctx.uid)
  })

  it('makes a verified ADMIN_EMAILS address a platform admin without a users row', async () => {
    const email = 'boss@test.local'
    const { token } = await newAccount(email)
    // The emulator signs up unverified accounts: not enough to be an admin.
    expect(await statusOf(authenticateToken(t.platform, token))).toBe(403)
    const { uid } = await t.platform.auth.firebase.auth.getUserByEmail(email)
    await t.platform.auth.firebase.auth.updateUser(uid, { emailVerified: true })
    t.platform.usersChanged(uid)
    const ctx = await authenticateToken(t.platform, await signIn(email))
    expect(ctx).toMatchObject({ platformAdmin: true, tenantId: null })
  })

  it('sees a role change at once after usersChanged', async () => {
    const u = await createUser(t.platform, { tenantId: plant.tenantId, role: 'viewer' })
    expect((await authenticateToken(t.platform, u.token)).role).toBe('viewer')
    await t.platform.db.sql.query(`update users set role = 'manager' where email = $1`, [u.email])
    t.platform.usersChanged(u.uid)
    expect((await authenticateToken(t.platform, u.token)).role).toBe('manager')
  })
})

describe('npm run admin:create', () => {
  it('makes a platform admin who can sign in with the password given', async () => {
    const email = `${uniqueId('boot')}@test.local`
    const db = await createTestDatabase()
    try {
      const env = { ...process.env, DATABASE_URL: db.url, FIREBASE_AUTH_EMULATOR_HOST: emulatorHost(), NODE_ENV: 'development' }
      const migrate = spawnSync('npx', ['tsx', 'scripts/migrate.ts'], { env, encoding: 'utf8' })
      expect(migrate.status, migrate.stderr).toBe(0)
      const run = spawnSync('npx', ['tsx', 'scripts/create-admin.ts', '--email', email, '--password', 'bootstrap-pass'], { env, encoding: 'utf8' })
      expect(run.status, run.stderr).toBe(0)
      expect(run.stdout).toContain(`${email} is a platform admin`)
      expect(await signIn(email, 'bootstrap-pass')).toMatch(/^ey/)
      const sql = postgres(db.url, { max: 1, onnotice: () => {} })
      const [row] = await sql`select platform_admin, tenant_id from users where email = ${email}`
      await sql.end()
      expect(row).toEqual({ platform_admin: true, tenant_id: null })
      expect(spawnSync('npx', ['tsx', 'scripts/create-admin.ts'], { env, encoding: 'utf8' }).status).toBe(2)
    } finally {
      await db.drop()
    }
  })
})
