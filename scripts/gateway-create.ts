// `npm run gateway:create -- --tenant granix --plant planta-1 --gateway granix-ba-gateway-1 [--name "Line 1"]
//    [--ca-dir certs/ca] [--out certs/gateways] [--broker-url mqtts://broker:8883] [--aws-region R --aws-account N]`
//
// Onboarding of one gateway (seed 001 §12): registers it, approved, on its plant in DATABASE_URL's
// database (or the embedded PGlite under DATA_DIR), and writes its certificate bundle signed by the
// local CA (made on first use), for Mosquitto/EMQX with client certificates.
//
// With AWS IoT Core the certificate comes from Amazon instead. The same registration, then, per gateway
// (AWS CLI; the policy file is written into the bundle when --aws-region and --aws-account are given):
//   aws iot create-thing --thing-name T --attribute-payload '{"attributes":{"tenant":"…","plant":"…"}}'
//   aws iot create-keys-and-certificate --set-as-active --certificate-pem-outfile certificate.pem.crt \
//       --private-key-outfile private.pem.key          # note certificateArn
//   aws iot create-policy --policy-name T-policy --policy-document file://aws-iot-policy.json
//   aws iot attach-policy --policy-name T-policy --target <certificateArn>
//   aws iot attach-thing-principal --thing-name T --principal <certificateArn>
// plus Amazon's root CA (AmazonRootCA1.pem) as ca.pem. This script does not call AWS.
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../server/config/env'
import { openDatabase } from '../server/db/client'
import { registerGateway, RegistrationError } from '../server/admin/register-gateway'
import { ensureCa } from '../server/pki/local-ca'
import { writeGatewayBundle } from '../server/pki/gateway-bundle'

const { values: a } = parseArgs({
  options: {
    'tenant': { type: 'string' },
    'plant': { type: 'string' },
    'gateway': { type: 'string' },
    'name': { type: 'string' },
    'ca-dir': { type: 'string', default: process.env.GATEWAY_CA_DIR ?? 'certs/ca' },
    'out': { type: 'string', default: 'certs/gateways' },
    'broker-url': { type: 'string', default: process.env.GATEWAY_BROKER_URL },
    'aws-region': { type: 'string' },
    'aws-account': { type: 'string' }
  }
})

// A thing name is the MQTT client id and a topic level: nothing that MQTT or IoT policies read as syntax.
const SLUG = /^[A-Za-z0-9_.:-]+$/
if (!a.tenant || !a.plant || !a.gateway || ![a.tenant, a.plant, a.gateway].every(v => SLUG.test(v))) {
  console.error('usage: npm run gateway:create -- --tenant <slug> --plant <slug> --gateway <thingName> [--name …] [--ca-dir certs/ca] [--out certs/gateways]')
  process.exit(2)
}
if (Boolean(a['aws-region']) !== Boolean(a['aws-account'])) {
  console.error('--aws-region and --aws-account go together')
  process.exit(2)
}

const config = loadConfig()
const db = await openDatabase(config.database)
try {
  const g = await registerGateway(db.sql, 'cli:gateway-create', { tenant: a.tenant, plant: a.plant, thingName: a.gateway, name: a.name })
  const ca = ensureCa(a['ca-dir']!)
  const aws = a['aws-region'] ? { region: a['aws-region'], account: a['aws-account']! } : undefined
  const bundle = writeGatewayBundle(ca, a.out!, g, { brokerUrl: a['broker-url'], aws })
  console.log(`${g.created ? 'registered' : 'approved again'}: gateway ${g.thingName} on ${g.tenant}/${g.province}/${g.plant} (${db.kind} at ${db.location})`)
  console.log(`bundle: ${bundle.dir} (CA ${join(ca.dir, 'ca.crt')})`)
} catch (err) {
  if (err instanceof RegistrationError) {
    console.error(`${err.code}: ${err.message}`)
    process.exitCode = 3
  } else throw err
} finally {
  await db.close()
}
