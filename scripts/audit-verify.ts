// `npm run audit:verify`: recomputes every audit chain of DATABASE_URL (or the embedded PGlite in
// DATA_DIR) and prints one line per chain; exit code 1 when any is broken, naming its first broken entry.
import { loadConfig } from '../server/config/env'
import { openDatabase } from '../server/db/client'
import { listChains } from '../server/audit/chains'
import { verifyChain } from '../server/audit/verify'

const config = loadConfig()
const db = await openDatabase(config.database)
let broken = 0
try {
  for (const chain of await listChains(db.sql)) {
    const name = chain.tenant ?? (chain.tenantId ? `tenant ${chain.tenantId}` : 'platform')
    const result = await verifyChain(db.sql, chain.tenantId)
    if (result.ok) {
      console.log(`ok      ${name}: ${result.checked} entries`)
    } else {
      broken++
      const root = result.firstBroken!.rootId ? ` (root ${result.firstBroken!.rootId})` : ''
      console.log(`BROKEN  ${name}: entry ${result.firstBroken!.id}: ${result.firstBroken!.reason}${root}, after ${result.checked} intact entries`)
    }
  }
} finally {
  await db.close()
}
process.exitCode = broken ? 1 : 0
