// `npm run admin:create -- --email ops@example.com [--password …]`: the first platform admin of a real
// deployment. Creates (or finds) the Firebase account with a verified email and makes it a platform
// admin in DATABASE_URL's users table; without --password it prints a link to set one. Needs the
// service account of the project (GOOGLE_APPLICATION_CREDENTIALS) and FIREBASE_PROJECT_ID.
import { parseArgs } from 'node:util'
import { loadConfig } from '../server/config/env'
import { openDatabase } from '../server/db/client'
import { createFirebaseAuth } from '../server/auth/firebase'

const { values: args } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' } } })
const email = args.email?.trim().toLowerCase()
if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) {
  console.error('usage: npm run admin:create -- --email <email> [--password <password>]')
  process.exit(2)
}

const config = loadConfig()
const db = await openDatabase(config.database)
const firebase = createFirebaseAuth(config.auth)
try {
  const existing = await firebase.auth.getUserByEmail(email).catch(() => undefined)
  const user = existing
    ? await firebase.auth.updateUser(existing.uid, { emailVerified: true, ...(args.password ? { password: args.password } : {}) })
    : await firebase.auth.createUser({ email, emailVerified: true, ...(args.password ? { password: args.password } : {}) })
  await db.sql.query(
    `insert into users (firebase_uid, email, tenant_id, role, platform_admin) values ($1, $2, null, 'admin', true)
     on conflict (email) do update set firebase_uid = excluded.firebase_uid, platform_admin = true`,
    [user.uid, email])
  console.log(`${email} is a platform admin (Firebase uid ${user.uid}) in ${db.kind} at ${db.location}`)
  if (!args.password) console.log(`set the password here: ${await firebase.auth.generatePasswordResetLink(email)}`)
} finally {
  await firebase.close()
  await db.close()
}
