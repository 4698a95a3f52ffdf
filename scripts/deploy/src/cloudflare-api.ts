import * as z from 'zod'

/*
 * The few Cloudflare API calls the plan needs: what exists on the account (D1 databases, KV
 * namespaces, queues, Workers and their secrets, the workers.dev subdomain) and creating what is
 * missing. Everything else (uploads, secrets, migrations) goes through wrangler, which reads the
 * same base URL (CLOUDFLARE_API_BASE_URL), so the tests point both at a local fake.
 */

export const DEFAULT_API_BASE = 'https://api.cloudflare.com/client/v4'

const Envelope = z.object({
  success: z.boolean(),
  errors: z.array(z.object({ code: z.number().optional(), message: z.string() })).default([]),
  result: z.unknown(),
})

const Accounts = z.array(z.object({ id: z.string(), name: z.string() }))
const D1Databases = z.array(z.object({ uuid: z.string(), name: z.string() }))
const D1Database = z.object({ uuid: z.string(), name: z.string() })
const KvNamespaces = z.array(z.object({ id: z.string(), title: z.string() }))
const KvNamespace = z.object({ id: z.string(), title: z.string() })
const Queues = z.array(z.object({ queue_id: z.string(), queue_name: z.string() }))
const Queue = z.object({ queue_id: z.string(), queue_name: z.string() })
const Scripts = z.array(z.object({ id: z.string() }))
const Secrets = z.array(z.object({ name: z.string() }))
const Subdomain = z.object({ subdomain: z.string() })
const Deployments = z.object({
  deployments: z.array(z.object({ annotations: z.record(z.string(), z.string()).optional() })),
})

export interface CloudflareApi {
  accounts(): Promise<z.infer<typeof Accounts>>
  d1Databases(): Promise<z.infer<typeof D1Databases>>
  createD1(name: string): Promise<z.infer<typeof D1Database>>
  kvNamespaces(): Promise<z.infer<typeof KvNamespaces>>
  createKv(title: string): Promise<z.infer<typeof KvNamespace>>
  queues(): Promise<z.infer<typeof Queues>>
  createQueue(name: string): Promise<z.infer<typeof Queue>>
  workers(): Promise<string[]>
  secretNames(worker: string): Promise<string[]>
  subdomain(): Promise<string | undefined>
  /** The message of the Worker's current deployment: the build fingerprint this script left there. */
  deployedMessage(worker: string): Promise<string | undefined>
}

export function cloudflareApi(base: string, token: string, accountId = ''): CloudflareApi {
  const account = () => `/accounts/${encodeURIComponent(accountId)}`
  async function call<T extends z.ZodType>(schema: T, method: string, path: string, body?: unknown) {
    const res = await fetch(`${base.replace(/\/+$/, '')}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const envelope = Envelope.safeParse(await res.json().catch(() => undefined))
    if (!res.ok || !envelope.success || !envelope.data.success) {
      const why = envelope.success ? envelope.data.errors.map((e) => e.message).join('; ') : 'not an API answer'
      throw new Error(`Cloudflare API ${method} ${path}: ${res.status} ${why}`)
    }
    return schema.parse(envelope.data.result) as z.infer<T>
  }
  /** Pages of up to 100 until a short one (the KV and Workers lists are paginated). */
  async function all<T extends z.ZodArray>(schema: T, path: string) {
    const items: z.infer<T>[number][] = []
    for (let page = 1; ; page++) {
      const sep = path.includes('?') ? '&' : '?'
      const batch = await call(schema, 'GET', `${path}${sep}page=${page}&per_page=100`)
      items.push(...batch)
      if (batch.length < 100) return items
    }
  }
  return {
    accounts: () => call(Accounts, 'GET', '/accounts'),
    d1Databases: () => all(D1Databases, `${account()}/d1/database`),
    createD1: (name) => call(D1Database, 'POST', `${account()}/d1/database`, { name }),
    kvNamespaces: () => all(KvNamespaces, `${account()}/storage/kv/namespaces`),
    createKv: (title) => call(KvNamespace, 'POST', `${account()}/storage/kv/namespaces`, { title }),
    queues: () => all(Queues, `${account()}/queues`),
    createQueue: (name) => call(Queue, 'POST', `${account()}/queues`, { queue_name: name }),
    workers: async () => (await call(Scripts, 'GET', `${account()}/workers/scripts`)).map((s) => s.id),
    secretNames: async (worker) =>
      (await call(Secrets, 'GET', `${account()}/workers/scripts/${encodeURIComponent(worker)}/secrets`)).map(
        (s) => s.name,
      ),
    subdomain: async () => {
      try {
        return (await call(Subdomain, 'GET', `${account()}/workers/subdomain`)).subdomain
      } catch {
        return undefined
      }
    },
    deployedMessage: async (worker) => {
      const { deployments } = await call(
        Deployments,
        'GET',
        `${account()}/workers/scripts/${encodeURIComponent(worker)}/deployments`,
      )
      return deployments[0]?.annotations?.['workers/message']
    },
  }
}
