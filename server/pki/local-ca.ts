import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A private certificate authority made with openssl, for brokers that authenticate gateways by
 * X.509 client certificate the way AWS IoT Core does (Mosquitto with `require_certificate`, EMQX).
 * With AWS IoT Core the CA is Amazon's and none of this is used: see deploy/aws-iot-policy.json.
 */
export interface LocalCa {
  dir: string
  certPath: string
  keyPath: string
}

/** A certificate and its key as files, plus the CA that signed it (what a client or server loads). */
export interface CertBundle {
  dir: string
  certPath: string
  keyPath: string
  caPath: string
}

// P-256: small, fast, accepted by Mosquitto, Node and AWS IoT Core alike.
const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })
}

/** A random positive serial: no serial file to share (or race on) between runs. */
function serial(): string {
  const bytes = randomBytes(16)
  bytes[0]! &= 0x7f
  return `0x${bytes.toString('hex')}`
}

/** Opens the CA in `dir`, creating it (ca.crt, ca.key) if it is not there. */
export function ensureCa(dir: string, commonName = 'Plant Telemetry Local CA', days = 3650): LocalCa {
  const ca = { dir, certPath: join(dir, 'ca.crt'), keyPath: join(dir, 'ca.key') }
  if (existsSync(ca.certPath) && existsSync(ca.keyPath)) return ca
  mkdirSync(dir, { recursive: true })
  openssl(['req', '-x509', ...KEY_ARGS, '-keyout', ca.keyPath, '-out', ca.certPath, '-days', String(days),
    '-subj', `/CN=${commonName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  chmodSync(ca.keyPath, 0o600)
  return ca
}

export interface IssueOptions {
  /** Becomes the certificate's CN: the gateway's thing name (Mosquitto's `use_identity_as_username`). */
  commonName: string
  usage: 'server' | 'client'
  /** Server certificates: the DNS names and IP addresses clients connect to. */
  hosts?: string[]
  days?: number
  /** File names inside the bundle directory; the defaults are the ones AWS IoT Core hands out. */
  names?: { cert: string, key: string, ca: string }
}

export const AWS_STYLE_NAMES = { cert: 'certificate.pem.crt', key: 'private.pem.key', ca: 'ca.pem' }

/** Issues a key and certificate signed by `ca` into `dir` (replacing what was there). */
export function issueCertificate(ca: LocalCa, dir: string, o: IssueOptions): CertBundle {
  const names = o.names ?? AWS_STYLE_NAMES
  mkdirSync(dir, { recursive: true })
  const bundle = { dir, certPath: join(dir, names.cert), keyPath: join(dir, names.key), caPath: join(dir, names.ca) }
  const work = mkdtempSync(join(tmpdir(), 'pt-cert-'))
  try {
    const csr = join(work, 'req.csr')
    const ext = join(work, 'ext.cnf')
    writeFileSync(ext, extensions(o).join('\n') + '\n')
    openssl(['req', '-new', ...KEY_ARGS, '-keyout', bundle.keyPath, '-out', csr, '-subj', `/CN=${o.commonName}`])
    openssl(['x509', '-req', '-in', csr, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-set_serial', serial(),
      '-days', String(o.days ?? 825), '-sha256', '-extfile', ext, '-out', bundle.certPath])
    chmodSync(bundle.keyPath, 0o600)
    copyFileSync(ca.certPath, bundle.caPath)
    return bundle
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

function extensions(o: IssueOptions): string[] {
  const lines = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment']
  if (o.usage === 'client') return [...lines, 'extendedKeyUsage=clientAuth']
  const hosts = o.hosts?.length ? o.hosts : ['localhost', '127.0.0.1']
  const san = hosts.map(h => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',')
  return [...lines, 'extendedKeyUsage=serverAuth', `subjectAltName=${san}`]
}

/** The certificate's subject CN, read back with openssl (what the broker sees as the identity). */
export function certificateCommonName(certPath: string): string {
  const out = execFileSync('openssl', ['x509', '-in', certPath, '-noout', '-subject', '-nameopt', 'multiline'], { encoding: 'utf8' })
  return /commonName\s*=\s*(.+)/.exec(out)?.[1]?.trim() ?? ''
}
