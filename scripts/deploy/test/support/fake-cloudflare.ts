import { type IncomingMessage, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/*
 * The Cloudflare API at the network boundary: a real HTTP server on loopback answering the calls
 * the deploy plan makes, in the API's envelope, and recording every call.
 */

export interface FakeAccount {
  d1: { uuid: string; name: string }[]
  kv: { id: string; title: string }[]
  queues: { queue_id: string; queue_name: string }[]
  /** Worker name → its secrets' names. */
  workers: Record<string, string[]>
  subdomain?: string
}

export interface Call {
  method: string
  path: string
  authorization: string | undefined
  body: unknown
}

export const ACCOUNT_ID = 'fake-account-id'

async function bodyOf(req: IncomingMessage) {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text ? (JSON.parse(text) as unknown) : undefined
}

export async function fakeCloudflare(account: FakeAccount) {
  const calls: Call[] = []
  let next = 1
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const body = await bodyOf(req)
    calls.push({ method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization, body })
    const reply = (status: number, result: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      const errors = status < 400 ? [] : [{ code: status, message: String(result) }]
      res.end(JSON.stringify({ success: status < 400, errors, messages: [], result: status < 400 ? result : null }))
    }
    const base = `/accounts/${ACCOUNT_ID}`
    const path = url.pathname
    const page = Number(url.searchParams.get('page') ?? 1)
    const paged = <T>(items: T[]) => items.slice((page - 1) * 100, page * 100)
    const post = req.method === 'POST'
    const named = (body ?? {}) as Record<string, string>
    const id = () => `fake-${next++}`
    if (path === '/accounts') return reply(200, [{ id: ACCOUNT_ID, name: 'Fake' }])
    if (path === `${base}/d1/database`) {
      if (!post) return reply(200, paged(account.d1))
      account.d1.push({ uuid: id(), name: named.name! })
      return reply(200, account.d1.at(-1))
    }
    if (path === `${base}/storage/kv/namespaces`) {
      if (!post) return reply(200, paged(account.kv))
      account.kv.push({ id: id(), title: named.title! })
      return reply(200, account.kv.at(-1))
    }
    if (path === `${base}/queues`) {
      if (!post) return reply(200, paged(account.queues))
      account.queues.push({ queue_id: id(), queue_name: named.queue_name! })
      return reply(200, account.queues.at(-1))
    }
    if (path === `${base}/workers/scripts`)
      return reply(
        200,
        Object.keys(account.workers).map((w) => ({ id: w })),
      )
    if (path === `${base}/workers/subdomain`)
      return account.subdomain ? reply(200, { subdomain: account.subdomain }) : reply(404, 'no subdomain')
    const script = new RegExp(`^${base}/workers/scripts/([^/]+)/(secrets|deployments)$`).exec(path)
    const secrets = script ? account.workers[decodeURIComponent(script[1]!)] : undefined
    if (script && !secrets) return reply(404, 'This Worker does not exist')
    if (script?.[2] === 'secrets')
      return reply(
        200,
        secrets!.map((name) => ({ name, type: 'secret_text' })),
      )
    if (script?.[2] === 'deployments') return reply(200, { deployments: [] })
    return reply(404, `the fake has no ${req.method} ${path}`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    account,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
