/**
 * Everything the bench starts (generator, server, broker, database, temp dirs) registers how to undo
 * it here, so an error, Ctrl-C or SIGTERM still leaves the machine as it was.
 */
type Task = { name: string, run: () => Promise<unknown> | unknown }

const tasks: Task[] = []
let running: Promise<void> | null = null

/** Registers an undo step; returns a function that runs it now (and only once). */
export function onCleanup(name: string, run: Task['run']): () => Promise<void> {
  const task: Task = { name, run }
  tasks.push(task)
  return async () => {
    const i = tasks.indexOf(task)
    if (i < 0) return
    tasks.splice(i, 1)
    await runTask(task)
  }
}

async function runTask(task: Task): Promise<void> {
  try {
    await task.run()
  } catch (err) {
    process.stderr.write(`cleanup "${task.name}" failed: ${(err as Error).message}\n`)
  }
}

/** Undoes everything still registered, newest first (a server before its database). */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    // Node exits when nothing is scheduled, even with awaits pending: keep it alive until done.
    const keepAlive = setInterval(() => {}, 1000)
    try {
      while (tasks.length) await runTask(tasks.pop()!)
    } finally {
      clearInterval(keepAlive)
    }
  })()
  return running
}

/** When the first SIGINT/SIGTERM arrived (0: none yet). */
let firstAt = 0

/** True once SIGINT/SIGTERM arrived: failures after that are the interruption's, not the bench's. */
export const interrupted = () => firstAt > 0

/**
 * On SIGINT/SIGTERM: clean up, then exit with the conventional 128 + signal code. One Ctrl-C reaches
 * this process several times at once (from the terminal, and relayed by npm and the tsx wrapper), so
 * repeats within a few seconds are ignored; a later one gives up on the cleanup.
 */
export function installSignalHandlers(): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      if (!firstAt) {
        firstAt = Date.now()
        process.stderr.write(`\n${signal}: cleaning up… (press Ctrl-C again after a few seconds to skip)\n`)
        void cleanupAll().finally(() => process.exit(code))
      } else if (Date.now() - firstAt > 3000) {
        process.stderr.write(`${signal} again: exiting without finishing the cleanup\n`)
        process.exit(code)
      }
    })
  }
}
