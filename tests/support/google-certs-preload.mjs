// Loaded into a server under test with `node --import`: firebase-admin fetches the public keys of
// Google's token signer over HTTPS, which a test cannot reach (no internet, and not Google's keys
// anyway). This sends that one request to GOOGLE_CERTS_URL, a local server holding the test's own
// signing certificate; every other request is untouched. A real Firebase project is the one thing
// that cannot run here, so this stands in for its key endpoint only.
import http from 'node:http'
import https from 'node:https'

const target = new URL(process.env.GOOGLE_CERTS_URL)
const original = https.request

https.request = function request(options, ...rest) {
  const host = options?.hostname ?? options?.host
  if (host === 'www.googleapis.com' && String(options.path).startsWith('/robot/v1/metadata/x509/')) {
    // The HTTPS agent cannot carry a plain HTTP request.
    const plain = { ...options, agent: undefined }
    return http.request({ ...plain, protocol: 'http:', host: target.hostname, hostname: target.hostname, port: target.port }, ...rest)
  }
  return original.call(this, options, ...rest)
}
