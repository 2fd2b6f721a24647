import { execFileSync } from 'node:child_process'
import { createPrivateKey, sign, type KeyObject } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface SigningKey { kid: string, key: KeyObject, certPem: string }

/** An RSA key with a self-signed X.509 certificate (openssl), as Google publishes its signers. */
export function createSigningKey(kid: string): SigningKey {
  const dir = mkdtempSync(join(tmpdir(), 'pt-keys-'))
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=securetoken'], { stdio: 'ignore' })
    return { kid, key: createPrivateKey(readFileSync(join(dir, 'key.pem'))), certPem: readFileSync(join(dir, 'cert.pem'), 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Serves `{kid: certificate}` like Google's securetoken endpoint (cacheable for an hour, as Google's is); returns its URL. */
export async function serveCertificates(keys: SigningKey[]): Promise<{ url: string, server: Server }> {
  const body = JSON.stringify(Object.fromEntries(keys.map(k => [k.kid, k.certPem])))
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' }).end(body))
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server }
}

const b64 = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url')

/** The claims of a Firebase ID token of `projectId`, valid for an hour unless overridden. */
export function idTokenClaims(projectId: string, uid: string, email: string, over: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000)
  return {
    iss: `https://securetoken.google.com/${projectId}`, aud: projectId, auth_time: now - 10, user_id: uid, sub: uid,
    iat: now - 10, exp: now + 3600, email, email_verified: true, firebase: { identities: { email: [email] }, sign_in_provider: 'password' },
    ...over
  }
}

/** A JWT signed with RS256 by `key`, with its `kid` in the header. */
export function signToken(key: SigningKey, claims: object, header: Record<string, unknown> = {}): string {
  const input = `${b64({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header })}.${b64(claims)}`
  return `${input}.${b64(sign('sha256', Buffer.from(input), key.key))}`
}
