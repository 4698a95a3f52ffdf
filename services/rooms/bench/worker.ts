// The rooms Worker in workerd, as `wrangler dev` runs it, but reached at its own address: the
// development proxy `wrangler dev` puts in front (a Durable Object in a second workerd) would be
// two more hops for every message of every socket, which production does not have.
//
// Its storage lives in a fresh directory in memory (/dev/shm where there is one): every update
// is a SQLite commit that the room's output gate waits for before any socket gets the event, and on
// this machine's virtual disk a commit now and then stalls for 40–1000 ms, which would be the
// p99 of a whole run. Production storage is not a local disk; BENCH_STATE_DIR picks another place.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unstable_DevEnv } from 'wrangler'

export async function startRooms(): Promise<{ url: URL; state: string; dispose(): Promise<void> }> {
  // Offline: no fetch of Cloudflare's `Request.cf` sample (miniflare would look up workers.cloudflare.com).
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'
  const parent = process.env.BENCH_STATE_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir())
  const state = mkdtempSync(join(parent, 'tangerine-rooms-bench-'))
  const devEnv = new unstable_DevEnv()
  const direct = new Promise<URL>((resolve) =>
    devEnv.on(
      'reloadComplete',
      (event: { proxyData: { userWorkerUrl: { protocol: string; hostname: string; port: string } } }) => {
        const { protocol, hostname, port } = event.proxyData.userWorkerUrl
        resolve(new URL(`${protocol}//${hostname}:${port}/`))
      },
    ),
  )
  await devEnv.startWorker({
    config: new URL('../wrangler.jsonc', import.meta.url).pathname,
    dev: { persist: state, server: { port: 0 }, inspector: false, logLevel: 'none' },
  })
  return {
    url: await direct,
    state,
    async dispose() {
      await devEnv.teardown()
      rmSync(state, { recursive: true, force: true })
    },
  }
}
