import type { CloudflareApi } from './cloudflare-api.ts'
import { OWNED_SECRETS, SETTINGS } from './deploy-env.ts'
import { type DeferredBinding, type Worker, deployOrder, requiredSecrets, resourcesOf } from './workers.ts'

/*
 * What a deployment would do, from the configs and what the account already has: which
 * resources to create, which secrets each Worker lacks and where their values come from, which
 * settings to ask for. Reading only (GETs): `npm run deploy -- --plan` prints it and stops.
 */

export type Source = 'file' | 'generate' | 'ask'

export interface Plan {
  order: string[]
  deferred: DeferredBinding[]
  existingWorkers: string[]
  create: { d1: string[]; kv: string[]; queues: string[] }
  /** Ids of what exists already, by D1 name and KV title. */
  ids: { d1: Record<string, string>; kv: Record<string, string> }
  /** Per Worker, the required secrets it does not have yet. */
  secrets: Record<string, { name: string; from: Source }[]>
  settings: { name: string; from: Exclude<Source, 'generate'> }[]
}

/** Settings a deployment needs: those some config uses (a var left empty for it) or that the script reads. */
function neededSettings(workers: readonly Worker[]) {
  return Object.entries(SETTINGS)
    .filter(([name, { optional }]) => optional || workers.some((w) => w.config.vars?.[name] === ''))
    .map(([name]) => name)
}

export async function planDeployment(
  workers: readonly Worker[],
  api: CloudflareApi,
  deployEnv: ReadonlyMap<string, string>,
): Promise<Plan> {
  const { order, deferred } = deployOrder(workers)
  const wanted = resourcesOf(workers)
  const [databases, namespaces, queues, existingWorkers] = await Promise.all([
    api.d1Databases(),
    api.kvNamespaces(),
    api.queues(),
    api.workers(),
  ])
  const d1 = Object.fromEntries(databases.filter((d) => wanted.d1.includes(d.name)).map((d) => [d.name, d.uuid]))
  const kv = Object.fromEntries(
    namespaces.filter((n) => wanted.kv.some((k) => k.title === n.title)).map((n) => [n.title, n.id]),
  )
  const queueNames = new Set(queues.map((q) => q.queue_name))

  const secrets: Plan['secrets'] = {}
  const required = requiredSecrets(workers)
  for (const worker of order) {
    const names = [...required].filter(([, users]) => users.includes(worker)).map(([name]) => name)
    if (names.length === 0) continue
    const have = existingWorkers.includes(worker) ? await api.secretNames(worker) : []
    const missing = names.filter((n) => !have.includes(n))
    if (missing.length === 0) continue
    secrets[worker] = missing.map((name) => ({
      name,
      from: deployEnv.has(name) ? 'file' : (OWNED_SECRETS as readonly string[]).includes(name) ? 'generate' : 'ask',
    }))
  }

  return {
    order,
    deferred,
    existingWorkers: existingWorkers.filter((w) => order.includes(w)),
    create: {
      d1: wanted.d1.filter((name) => !(name in d1)),
      kv: wanted.kv.map((k) => k.title).filter((title) => !(title in kv)),
      queues: wanted.queues.filter((name) => !queueNames.has(name)),
    },
    ids: { d1, kv },
    secrets,
    settings: neededSettings(workers).map((name) => ({ name, from: deployEnv.has(name) ? 'file' : 'ask' })),
  }
}

/** Creates what the plan lacks; returns every id, the new with the old. */
export async function provision(plan: Plan, api: CloudflareApi): Promise<Plan['ids']> {
  const ids = { d1: { ...plan.ids.d1 }, kv: { ...plan.ids.kv } }
  for (const name of plan.create.d1) ids.d1[name] = (await api.createD1(name)).uuid
  for (const title of plan.create.kv) ids.kv[title] = (await api.createKv(title)).id
  for (const name of plan.create.queues) await api.createQueue(name)
  return ids
}

export function describePlan(plan: Plan): string {
  const list = (items: string[]) => (items.length ? items.join(', ') : 'none')
  const lines = [
    `Deploy order: ${plan.order.join(' → ')}`,
    ...plan.deferred.map(
      (d) => `  ${d.worker}'s ${d.binding} binding waits for ${d.target} on a first deployment (a cycle)`,
    ),
    `Create D1: ${list(plan.create.d1)}`,
    `Create KV: ${list(plan.create.kv)}`,
    `Create queues: ${list(plan.create.queues)}`,
    ...Object.entries(plan.secrets).map(
      ([worker, s]) => `Secrets for ${worker}: ${s.map((x) => `${x.name} (${x.from})`).join(', ')}`,
    ),
    `Settings: ${list(plan.settings.map((s) => `${s.name} (${s.from})`))}`,
  ]
  return lines.join('\n')
}
