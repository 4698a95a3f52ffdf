import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SfuConfig } from '../config.ts'

/** Listens where the config says; answers the API's URL (loopback when bound to every address) and port. */
export async function listen(server: Server, config: Pick<SfuConfig, 'port' | 'host'>) {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  return { url: `http://${host}:${port}`, port }
}
