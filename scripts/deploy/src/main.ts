import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_API_BASE, cloudflareApi } from './cloudflare-api.ts'
import { wrangler } from './bundles.ts'
import {
  DEPLOY_ENV_FILE,
  OWNED_SECRETS,
  SECRET_QUESTIONS,
  SETTINGS,
  appendDeployEnv,
  generateSecret,
  readDeployEnv,
  terminalAsk,
} from './deploy-env.ts'
import { deployWorkers } from './deploy.ts'
import { dryRun, figuresTable, readBudgets } from './dry-run.ts'
import { describePlan, planDeployment, provision } from './plan.ts'
import { readWorkers, workerDirs } from './workers.ts'
import { buildWeb, root } from '../../lib/stack.mjs'

/*
 * `npm run deploy`: Tangerine on your Cloudflare account in one command (README, "Deploy").
 *   --plan      print what it would create and ask for, change nothing
 *   --dry-run   build every Worker, check configs, budgets and production values (no account needed)
 *   --json      the plan or the dry-run's figures as JSON
 *   --env-file  settings and secrets (default .deploy.env)
 *   --no-web-build  use the web app as already built (npm test builds it first)
 */

const { values: args } = parseArgs({
  options: {
    plan: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'env-file': { type: 'string', default: join(root, DEPLOY_ENV_FILE) },
    outdir: { type: 'string', default: join(root, '.wrangler/deploy-dry-run') },
    'no-web-build': { type: 'boolean', default: false },
  },
})

const workers = readWorkers(workerDirs)

if (args['dry-run']) {
  if (!args['no-web-build']) await buildWeb()
  const budgets = readBudgets()
  const result = await dryRun(workers, args.outdir, budgets)
  console.log(args.json ? JSON.stringify(result, null, 2) : figuresTable(result.figures, budgets))
  if (result.problems.length) {
    console.error(`\nThe dry run found:\n${result.problems.map((p) => `  ${p}`).join('\n')}`)
    process.exit(1)
  }
  process.exit(0)
}

const deployEnv = readDeployEnv(args['env-file'])
const apiBase = process.env.CLOUDFLARE_API_BASE_URL ?? DEFAULT_API_BASE
const token = process.env.CLOUDFLARE_API_TOKEN ?? (await loginToken())
let accountId = process.env.CLOUDFLARE_ACCOUNT_ID ?? deployEnv.get('CLOUDFLARE_ACCOUNT_ID')
if (!accountId) {
  const accounts = await cloudflareApi(apiBase, token).accounts()
  if (accounts.length !== 1)
    throw new Error(`Set CLOUDFLARE_ACCOUNT_ID in ${DEPLOY_ENV_FILE}: this login reaches ${accounts.length} accounts`)
  accountId = accounts[0]!.id
}
const api = cloudflareApi(apiBase, token, accountId)
const plan = await planDeployment(workers, api, deployEnv)

if (args.plan) {
  console.log(args.json ? JSON.stringify(plan, null, 2) : describePlan(plan))
  process.exit(0)
}

console.log(describePlan(plan))
const ask = terminalAsk()
const added = new Map<string, string>()
for (const { name, from } of plan.settings)
  if (from === 'ask') added.set(name, await ask(name, SETTINGS[name]!.question))
for (const name of new Set(Object.values(plan.secrets).flatMap((s) => s.map((x) => x.name)))) {
  if (deployEnv.has(name) || added.has(name)) continue
  if ((OWNED_SECRETS as readonly string[]).includes(name)) added.set(name, generateSecret())
  else added.set(name, await ask(name, SECRET_QUESTIONS[name] ?? 'value'))
}
appendDeployEnv(args['env-file'], added)
const values = new Map([...deployEnv, ...added])

const ids = await provision(plan, api)
if (!args['no-web-build']) await buildWeb()
const entry = workers[0]!.name
const cloudflareEnv = { CLOUDFLARE_API_TOKEN: token, CLOUDFLARE_ACCOUNT_ID: accountId }
await deployWorkers(workers, plan, { ids, accountId, settings: values, entry }, values, api, cloudflareEnv)

const domain = values.get('TANGERINE_DOMAIN')
const subdomain = domain ? undefined : await api.subdomain()
const url = domain ? `https://${domain}` : subdomain ? `https://${entry}.${subdomain}.workers.dev` : undefined
console.log(
  `\nTangerine is deployed: ${url ?? `${entry} (no workers.dev subdomain on this account: set TANGERINE_DOMAIN)`}`,
)
if (url && values.get('ADMIN_TOKEN')) console.log(`Operators: ${url}/ops (ADMIN_TOKEN in ${DEPLOY_ENV_FILE})`)

/** wrangler's own login (`wrangler login`), when no CLOUDFLARE_API_TOKEN is set. */
async function loginToken(): Promise<string> {
  const out = await wrangler(['auth', 'token', '--json'], { quiet: true })
  const parsed = JSON.parse(out.slice(out.indexOf('{'))) as { token?: string }
  if (!parsed.token) throw new Error('Not logged in: run `npx wrangler login` or set CLOUDFLARE_API_TOKEN')
  return parsed.token
}
