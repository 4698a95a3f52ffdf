import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestProject } from 'vitest/node'

/**
 * vitest globalSetup: an upstream that takes every request and never answers, on loopback. A
 * second media Worker calls it as its Calls API, which makes that Worker's health check hang:
 * the slow service the gateway's health test needs, with the real media Worker in between.
 */
export default async function setup(project: TestProject) {
  const server = createServer(() => {
    // Holding the request open is the point: no answer, ever.
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  project.provide('stalledUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
}
