import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { TestProject } from 'vitest/node'
import { checkWebhookRequest, type WebhookSecrets } from '../../../../scripts/test-support/google-chat-webhook.ts'

/**
 * vitest globalSetup: a real HTTP receiver standing in for a Google Chat webhook, on loopback.
 *
 * `hookUrl` is served by a listener the tests can close and reopen (connection refused in
 * between); `controlUrl` is always up and is how tests plan failures and read what arrived.
 * A plan makes the first `failures` tries of a message fail with `mode`: `500`, `hang` (no
 * answer: the consumer's timeout fires), `reset` (the socket is destroyed). Messages are matched
 * by their idempotency key, or by a marker in the body. Like a real receiver that honours
 * idempotency keys, a key taken before is answered 200 and counted as a duplicate.
 *
 * Before any of that it is as strict as Google Chat's incoming webhook: a request without the
 * webhook's `key` and `token`, not sent as JSON, or whose message breaks Google's documented
 * card rules is refused the way Google refuses it (scripts/test-support/google-chat-webhook.ts),
 * and recorded under `refused`.
 */

// A webhook's two secrets, as Google Chat puts them in the URL it hands out.
const SECRETS: WebhookSecrets = { key: 'secret-key', token: 'secret-token' }

type Mode = '500' | 'hang' | 'reset'
type Plan = { failures: number; mode: Mode | Mode[] }
interface Record {
  attempts: number
  delivered: number
  duplicates: number
  failures: string[]
  refused: string[]
  card?: unknown
  headers?: { [name: string]: string | undefined }
}

export type ReceiverState = { [key: string]: Record }

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))

export default async function setup(project: TestProject) {
  const byKey = new Map<string, Plan>()
  const byMarker = new Map<string, Plan>()
  const records = new Map<string, Record>()
  const hanging = new Set<Socket>()

  const hook = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req)
    const key = String(req.headers['idempotency-key'] ?? '')
    const record = records.get(key) ?? { attempts: 0, delivered: 0, duplicates: 0, failures: [], refused: [] }
    records.set(key, record)
    record.attempts++
    const checked = checkWebhookRequest(
      { url: req.url ?? '/', method: req.method, contentType: req.headers['content-type'], body },
      SECRETS,
    )
    if (!checked.ok) {
      record.refused.push(checked.refusal.body.error.message)
      return json(res, checked.refusal.status, checked.refusal.body)
    }
    record.card ??= checked.message
    const plan = byKey.get(key) ?? [...byMarker].find(([marker]) => body.includes(marker))?.[1]
    if (plan && record.attempts <= plan.failures) {
      const modes = Array.isArray(plan.mode) ? plan.mode : [plan.mode]
      const mode = modes[(record.attempts - 1) % modes.length]!
      record.failures.push(mode)
      if (mode === '500') return json(res, 500, { error: 'planned failure' })
      if (mode === 'reset') return void req.socket.destroy()
      hanging.add(req.socket)
      return void setTimeout(() => (req.socket.destroy(), hanging.delete(req.socket)), 10_000)
    }
    if (record.delivered > 0) record.duplicates++
    else {
      record.delivered = 1
      record.headers = {
        'content-type': req.headers['content-type'],
        'x-tangerine-attempt': String(req.headers['x-tangerine-attempt']),
      }
    }
    json(res, 200, { name: `spaces/test/messages/${key}` })
  }

  const flaky: Server = createServer((req, res) => void hook(req, res))
  const listenFlaky = (port = 0) =>
    new Promise<number>((resolve) =>
      flaky.listen(port, '127.0.0.1', () => resolve((flaky.address() as AddressInfo).port)),
    )
  const flakyPort = await listenFlaky()

  const control: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (req.method === 'POST' && url.pathname === '/plans') {
      const { keys = {}, markers = {} } = JSON.parse(await readBody(req)) as {
        keys?: { [k: string]: Plan }
        markers?: { [m: string]: Plan }
      }
      for (const [k, p] of Object.entries(keys)) byKey.set(k, p)
      for (const [m, p] of Object.entries(markers)) byMarker.set(m, p)
      return json(res, 204, null)
    }
    if (req.method === 'POST' && url.pathname === '/listener') {
      const { open } = JSON.parse(await readBody(req)) as { open: boolean }
      if (!open && flaky.listening) {
        for (const socket of hanging) socket.destroy()
        flaky.closeAllConnections()
        await new Promise((r) => flaky.close(r))
      }
      if (open && !flaky.listening) await listenFlaky(flakyPort)
      return json(res, 200, { open: flaky.listening })
    }
    if (req.method === 'GET' && url.pathname === '/records') return json(res, 200, Object.fromEntries(records))
    if (req.method === 'POST' && url.pathname === '/hook') return hook(req, res)
    json(res, 404, null)
  })
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve))
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`

  project.provide('feedbackReceiver', {
    controlUrl,
    // The query stands in for a webhook's key and token: tests check it never reaches a log.
    hookUrl: `http://127.0.0.1:${flakyPort}/hook?key=${SECRETS.key}&token=${SECRETS.token}`,
  })
  return async () => {
    for (const socket of hanging) socket.destroy()
    flaky.closeAllConnections()
    control.closeAllConnections()
    await Promise.all([new Promise((r) => flaky.close(r)), new Promise((r) => control.close(r))])
  }
}
