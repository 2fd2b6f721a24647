import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, resolve, sep } from 'node:path'
import type { ColdStore } from './store'

/** Cold storage in a local folder (or a mounted volume); keys are relative paths under it. */
export function createDirStore(root: string): ColdStore {
  const base = resolve(root)
  const pathOf = (key: string) => {
    const path = resolve(base, key)
    // Keys are built by the exporter from slugs, but a slug must never walk out of the folder.
    if (!path.startsWith(base + sep)) throw new Error(`object key outside the cold storage folder: ${key}`)
    return path
  }
  return {
    kind: 'dir',
    location: base,
    async put(key, body) {
      const path = pathOf(key)
      await mkdir(dirname(path), { recursive: true })
      // Write aside and rename: a reader never sees half a file, and a crash leaves the old one.
      const partial = `${path}.partial`
      await writeFile(partial, body)
      await rename(partial, path)
    },
    get: key => readFile(pathOf(key)),
    close: () => {}
  }
}
