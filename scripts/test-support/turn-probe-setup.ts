import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestProject } from 'vitest/node'
import { allocate } from '../../packages/sfu/test/helpers/turn-client.ts'

/**
 * vitest globalSetup: a real TURN client for tests that run inside workerd, which has no UDP.
 * `POST /allocate {host, port, username, password}` makes one Allocate at that TURN server (the
 * SFU's coturn) and answers what it said: `{ok:true, relayed}` or `{ok:false, code, reason}`.
 * Loopback only, like everything the tests reach.
 */
export default async function setup(project: TestProject) {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => {
      const answer = async () => {
        const { host, port, username, password } = JSON.parse(body) as Record<string, string>
        if (req.method !== 'POST' || req.url !== '/allocate' || !host || !username || !password) return { status: 400 }
        if (host !== '127.0.0.1') return { status: 400 }
        return { status: 200, result: await allocate(host, Number(port), username, password) }
      }
      answer()
        .then(({ status, result }) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? {})),
        )
        .catch((err: unknown) => res.writeHead(500).end(String(err)))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  project.provide('turnProbe', `http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}
