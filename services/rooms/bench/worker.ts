// The rooms Worker in workerd, as `wrangler dev` runs it, but reached at its own address: the
// development proxy `wrangler dev` puts in front (a Durable Object in a second workerd) would be
// two more hops for every message of every socket, which production does not have.
import { unstable_DevEnv } from 'wrangler'

export async function startRooms(): Promise<{ url: URL; dispose(): Promise<void> }> {
  const devEnv = new unstable_DevEnv()
  const direct = new Promise<URL>((resolve) =>
    devEnv.on('reloadComplete', (event: { proxyData: { userWorkerUrl: { protocol: string; hostname: string; port: string } } }) => {
      const { protocol, hostname, port } = event.proxyData.userWorkerUrl
      resolve(new URL(`${protocol}//${hostname}:${port}/`))
    }),
  )
  await devEnv.startWorker({
    config: new URL('../wrangler.jsonc', import.meta.url).pathname,
    dev: { server: { port: 0 }, inspector: false, logLevel: 'none' },
  })
  return { url: await direct, dispose: () => devEnv.teardown() }
}
