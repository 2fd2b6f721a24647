// Loaded into the server with NODE_OPTIONS=--import (Node 20 refuses --cpu-prof in NODE_OPTIONS):
// profiles the whole process with the inspector and writes a .cpuprofile on exit.
import { Session } from 'node:inspector'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.env.BENCH_CPU_PROFILE_DIR
if (dir) {
  const session = new Session()
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.start')
  // A same-thread inspector session answers synchronously, so this still runs inside 'exit'.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(result.profile))
    })
  })
}
