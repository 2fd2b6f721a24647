// `npm run certs -- --dir certs --server-host localhost,mosquitto --client ingest --client granix-ba-gw-01`
// A local CA, a broker (server) certificate and client certificates, for Mosquitto with TLS and
// client certificates (compose.yaml, tests). Gateways are better onboarded with `npm run gateway:create`,
// which also registers them in the database. With AWS IoT Core, Amazon issues the certificates instead.
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ensureCa, issueCertificate } from '../server/pki/local-ca'

const { values: a } = parseArgs({
  options: {
    'dir': { type: 'string', default: 'certs' },
    'server-host': { type: 'string', default: 'localhost,127.0.0.1,mosquitto' },
    'client': { type: 'string', multiple: true, default: [] },
    'help': { type: 'boolean', default: false }
  }
})

if (a.help) {
  console.log(`Makes (or reuses) <dir>/ca/ca.{crt,key}, issues <dir>/server/ for the broker and <dir>/clients/<name>/ per --client.
  --dir DIR            where the files go (default certs/)
  --server-host LIST   names and IPs the broker certificate is valid for (default localhost,127.0.0.1,mosquitto)
  --client NAME        a client certificate with CN=NAME (repeatable): the ingest's, or a gateway's thing name`)
  process.exit(0)
}

const dir = a.dir!
const ca = ensureCa(join(dir, 'ca'))
const hosts = a['server-host']!.split(',').map(h => h.trim()).filter(Boolean)
const server = issueCertificate(ca, join(dir, 'server'), { commonName: hosts[0] ?? 'localhost', usage: 'server', hosts, names: { cert: 'server.crt', key: 'server.key', ca: 'ca.crt' } })
console.log(`CA      ${ca.certPath}`)
console.log(`server  ${server.certPath} (${hosts.join(', ')})`)
for (const name of a.client!) {
  const client = issueCertificate(ca, join(dir, 'clients', name), { commonName: name, usage: 'client' })
  console.log(`client  ${client.certPath} (CN=${name})`)
}
