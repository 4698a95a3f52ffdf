// A local HTTP endpoint the cold-load bench (inside workerd, which cannot touch the OS) calls to
// drop the kernel's page cache between runs, so "cold" means the room's SQLite file is read from
// the disk, not from memory. It needs root (writing /proc/sys/vm/drop_caches); without it the
// bench says the cache was not dropped and its "disk" figures are really warm.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    dropCachesUrl: string
  }
}

function dropCaches(): { dropped: true } | { dropped: false; reason: string } {
  try {
    execFileSync('sync')
    writeFileSync('/proc/sys/vm/drop_caches', '1')
    return { dropped: true }
  } catch (err) {
    return { dropped: false, reason: (err as Error).message }
  }
}

export default async function setup(project: TestProject) {
  const server = createServer((req, res) => {
    if (req.method !== 'POST') return void res.writeHead(405).end()
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(dropCaches()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  project.provide('dropCachesUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}
