import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CloudflareApi } from './cloudflare-api.ts'
import { buildUpload, fingerprint, wrangler, wranglerEnv } from './bundles.ts'
import type { Plan } from './plan.ts'
import { type Deployment, productionConfig, writeProductionConfig } from './production-config.ts'
import type { Worker } from './workers.ts'
import { root } from '../../lib/stack.mjs'

/*
 * Applies a plan: D1 migrations, then each Worker in order with the secrets it lacks. A Worker
 * whose build is what it already runs (the fingerprint in its deployment's message) and that
 * lacks no secret is left alone, so a second run changes nothing.
 */

const MESSAGE_PREFIX = 'tangerine build '

export async function deployWorkers(
  workers: readonly Worker[],
  plan: Plan,
  deployment: Omit<Deployment, 'omit'>,
  secretValues: ReadonlyMap<string, string>,
  api: CloudflareApi,
  env: NodeJS.ProcessEnv,
) {
  const byName = new Map(workers.map((w) => [w.name, w]))
  const tmp = mkdtempSync(join(tmpdir(), 'tangerine-deploy-'))
  const wranglerWith = { ...wranglerEnv, ...env }
  try {
    const existing = new Set(plan.existingWorkers)
    // First deployment of a cycle: its Worker goes up without the binding, and again at the end.
    const again: string[] = []
    for (const name of plan.order) {
      const worker = byName.get(name)!
      const omit = plan.deferred.filter((d) => d.worker === name && !existing.has(d.target)).map((d) => d.binding)
      if (omit.length) again.push(name)
      await deployOne(worker, { ...deployment, omit }, plan.secrets[name] ?? [])
      existing.add(name)
    }
    for (const name of again) await deployOne(byName.get(name)!, deployment, [])
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }

  async function deployOne(worker: Worker, d: Deployment, secrets: { name: string }[]) {
    const configPath = writeProductionConfig(worker, productionConfig(worker, d))
    for (const db of worker.config.d1_databases ?? []) {
      await wrangler(['d1', 'migrations', 'apply', db.database_name, '--remote', '--config', configPath], {
        env: { ...wranglerWith, CI: 'true' },
      })
    }
    const upload = join(tmp, `${worker.name}.upload`)
    await buildUpload(configPath, upload)
    const assets = (worker.config.assets as { directory?: string } | undefined)?.directory
    const print = fingerprint(upload, assets ? join(root, worker.dir, assets) : undefined)
    const deployed = plan.existingWorkers.includes(worker.name) ? await api.deployedMessage(worker.name) : undefined
    if (secrets.length === 0 && deployed === `${MESSAGE_PREFIX}${print}`) {
      console.log(`${worker.name}: up to date (${print})`)
      return
    }
    const args = ['deploy', '--minify', '--config', configPath, '--message', `${MESSAGE_PREFIX}${print}`]
    if (secrets.length) {
      const file = join(tmp, `${worker.name}.secrets.json`)
      writeFileSync(
        file,
        JSON.stringify(Object.fromEntries(secrets.map((s) => [s.name, secretValues.get(s.name) ?? '']))),
        {
          mode: 0o600,
        },
      )
      args.push('--secrets-file', file)
    }
    console.log(
      `${worker.name}: deploying ${print}${secrets.length ? ` with ${secrets.map((s) => s.name).join(', ')}` : ''}`,
    )
    await wrangler(args, { env: wranglerWith })
  }
}
