import { join } from 'node:path'
import { experimental_readRawConfig } from 'wrangler'
import { root } from '../../lib/stack.mjs'

/*
 * What the deployment is made of, read from the Workers' own wrangler.jsonc: their names, the
 * resources they bind (D1, KV, Queues), the secrets they require and the Workers they bind to.
 * Nothing here is listed twice: a binding added to a config is deployed without touching this.
 */

/** A wrangler.jsonc as written (comments dropped), the parts this script reads or fills in. */
export interface RawConfig {
  name: string
  main?: string
  workers_dev?: boolean
  routes?: unknown[]
  vars?: Record<string, string>
  services?: { binding: string; service: string }[]
  kv_namespaces?: { binding: string; id?: string }[]
  d1_databases?: { binding: string; database_name: string; database_id?: string; migrations_dir?: string }[]
  queues?: {
    producers?: { binding: string; queue: string }[]
    consumers?: { queue: string; dead_letter_queue?: string }[]
  }
  secrets?: { required?: string[] }
  [key: string]: unknown
}

export interface Worker {
  name: string
  /** The folder of its wrangler.jsonc, relative to the repository. */
  dir: string
  config: RawConfig
}

/** The entry first: the Worker with the public URL (the web app and the API behind it). */
export const workerDirs = [
  'services/gateway',
  'services/rooms',
  'services/media',
  'services/ai',
  'services/feedback',
  'apps/web',
]

export function readWorkers(dirs: readonly string[] = workerDirs): Worker[] {
  return dirs.map((dir) => {
    const { rawConfig } = experimental_readRawConfig({ config: join(root, dir, 'wrangler.jsonc') })
    const config = rawConfig as RawConfig
    return { name: config.name, dir, config }
  })
}

/** A KV namespace's title on the account: the Worker's name and the binding, as `wrangler kv namespace create` names them. */
export const kvTitle = (worker: string, binding: string) => `${worker}-${binding.toLowerCase().replaceAll('_', '-')}`

export interface Resources {
  d1: string[]
  kv: { worker: string; binding: string; title: string }[]
  queues: string[]
}

export function resourcesOf(workers: readonly Worker[]): Resources {
  const d1 = new Set<string>()
  const queues = new Set<string>()
  const kv: Resources['kv'] = []
  for (const { name, config } of workers) {
    for (const db of config.d1_databases ?? []) d1.add(db.database_name)
    for (const ns of config.kv_namespaces ?? [])
      kv.push({ worker: name, binding: ns.binding, title: kvTitle(name, ns.binding) })
    for (const p of config.queues?.producers ?? []) queues.add(p.queue)
    for (const c of config.queues?.consumers ?? []) {
      queues.add(c.queue)
      if (c.dead_letter_queue) queues.add(c.dead_letter_queue)
    }
  }
  return { d1: [...d1], kv, queues: [...queues] }
}

export interface DeferredBinding {
  worker: string
  binding: string
  target: string
}

/**
 * Deployment order, leaves first: a Worker after every Worker it binds to. A binding that closes
 * a cycle (the web app's GATEWAY: the gateway binds WEB) cannot be honoured, so it is returned as
 * deferred: on a first deployment its Worker goes up without it, and again once its target exists.
 * The walk starts at the entry (the first Worker), so the entry is last.
 */
export function deployOrder(workers: readonly Worker[]): { order: string[]; deferred: DeferredBinding[] } {
  const byName = new Map(workers.map((w) => [w.name, w]))
  const order: string[] = []
  const deferred: DeferredBinding[] = []
  const onPath = new Set<string>()
  const visit = (name: string) => {
    if (order.includes(name) || onPath.has(name)) return
    const worker = byName.get(name)
    if (!worker) throw new Error(`A Worker binds to ${name}, which no wrangler.jsonc here defines`)
    onPath.add(name)
    for (const { binding, service } of worker.config.services ?? []) {
      if (onPath.has(service)) deferred.push({ worker: name, binding, target: service })
      else visit(service)
    }
    onPath.delete(name)
    order.push(name)
  }
  for (const w of workers) visit(w.name)
  return { order, deferred }
}

/** Every secret some Worker requires, with the Workers that require it. */
export function requiredSecrets(workers: readonly Worker[]): Map<string, string[]> {
  const secrets = new Map<string, string[]>()
  for (const { name, config } of workers)
    for (const secret of config.secrets?.required ?? []) secrets.set(secret, [...(secrets.get(secret) ?? []), name])
  return secrets
}
