import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { root } from '../../lib/stack.mjs'
import type { Plan } from './plan.ts'
import { type RawConfig, type Worker, kvTitle } from './workers.ts'

/*
 * The config a Worker is deployed with: its committed wrangler.jsonc (production values) with
 * what only the account knows filled in: resource ids, the settings of .deploy.env that name one
 * of its vars, and the gateway's route. Written beside the original (git-ignored) so every
 * relative path in it still resolves.
 */

export const PRODUCTION_CONFIG = 'wrangler.production.json'

export interface Deployment {
  ids: Plan['ids']
  accountId: string
  settings: ReadonlyMap<string, string>
  /** The Worker with the public URL (the first of workerDirs). */
  entry: string
  /** Bindings left out (a cycle's binding whose target is not deployed yet). */
  omit?: string[]
}

export function productionConfig(worker: Worker, deployment: Deployment): RawConfig {
  const config: RawConfig = structuredClone(worker.config)
  delete config.$schema
  const id = (what: string, value: string | undefined) => {
    if (!value) throw new Error(`${worker.name}: no id for ${what} (it should have been created)`)
    return value
  }
  config.kv_namespaces = config.kv_namespaces?.map((ns) => ({
    ...ns,
    id: id(`KV ${ns.binding}`, deployment.ids.kv[kvTitle(worker.name, ns.binding)]),
  }))
  config.d1_databases = config.d1_databases?.map((db) => ({
    ...db,
    database_id: id(`D1 ${db.database_name}`, deployment.ids.d1[db.database_name]),
  }))
  if (config.vars) {
    const vars = config.vars
    for (const name of Object.keys(vars)) {
      const value = deployment.settings.get(name)
      if (value !== undefined && name !== 'CLOUDFLARE_ACCOUNT_ID') vars[name] = value
    }
    // TURN keys belong to the account deployed to, unless the TURN key API is a self-hosted SFU's,
    // whose "account" is the Calls app (packages/sfu/README.md, TURN API).
    if ('CLOUDFLARE_ACCOUNT_ID' in vars) {
      const selfHosted = vars.CLOUDFLARE_API_URL !== worker.config.vars?.CLOUDFLARE_API_URL
      vars.CLOUDFLARE_ACCOUNT_ID = selfHosted ? (vars.CALLS_APP_ID ?? '') : deployment.accountId
    }
  }
  if (deployment.omit?.length) config.services = config.services?.filter((s) => !deployment.omit!.includes(s.binding))
  // The public entry: a custom domain when one is set, else its workers.dev URL.
  if (worker.name === deployment.entry) {
    const domain = deployment.settings.get('TANGERINE_DOMAIN')
    if (domain) config.routes = [{ pattern: domain, custom_domain: true }]
    else config.workers_dev = true
  }
  return config
}

export function writeProductionConfig(worker: Worker, config: RawConfig): string {
  const path = join(root, worker.dir, PRODUCTION_CONFIG)
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`)
  return path
}
