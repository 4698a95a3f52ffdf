import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { cloudflareApi } from '../src/cloudflare-api.ts'
import { type Plan, planDeployment, provision } from '../src/plan.ts'
import { kvTitle, readWorkers } from '../src/workers.ts'
import { ACCOUNT_ID, type FakeAccount, fakeCloudflare } from './support/fake-cloudflare.ts'

const main = join(dirname(fileURLToPath(import.meta.url)), '../src/main.ts')
const TOKEN = 'fake-api-token'
const emptyAccount = (): FakeAccount => ({ d1: [], kv: [], queues: [], workers: {} })

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

async function start(account: FakeAccount) {
  const fake = await fakeCloudflare(account)
  close = fake.close
  return fake
}

/** `npm run deploy -- --plan --json` against the fake, with `deployEnv` as its .deploy.env. */
async function planThroughScript(apiUrl: string, deployEnv: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'tangerine-plan-')), '.deploy.env')
  writeFileSync(file, deployEnv)
  const { CLOUDFLARE_ACCOUNT_ID: _, ...env } = process.env
  // Asynchronously: the fake answers from this process.
  const { stdout } = await promisify(execFile)(process.execPath, [main, '--plan', '--json', '--env-file', file], {
    env: { ...env, CLOUDFLARE_API_BASE_URL: apiUrl, CLOUDFLARE_API_TOKEN: TOKEN },
  })
  return JSON.parse(stdout) as Plan
}

describe('the deploy plan against an empty account', () => {
  it('creates every resource, generates the secrets we own and asks for the others, reading only', async () => {
    const fake = await start(emptyAccount())
    const plan = await planThroughScript(fake.url, 'FEEDBACK_URL=\n')

    expect(plan.order).toEqual([
      'tangerine-rooms',
      'tangerine-media',
      'tangerine-ai',
      'tangerine-feedback',
      'tangerine-web',
      'tangerine-gateway',
    ])
    expect(plan.deferred).toEqual([{ worker: 'tangerine-web', binding: 'GATEWAY', target: 'tangerine-gateway' }])
    expect(plan.create).toEqual({
      d1: ['tangerine-meetings'],
      kv: ['tangerine-feedback-debug-info', 'tangerine-feedback-dead-letters', 'tangerine-feedback-reports'],
      queues: ['tangerine-ai-ended', 'tangerine-feedback', 'tangerine-feedback-dlq'],
    })
    expect(plan.secrets).toEqual({
      'tangerine-media': [
        { name: 'CALLS_APP_SECRET', from: 'ask' },
        { name: 'CLOUDFLARE_API_TOKEN', from: 'ask' },
        { name: 'TURN_KEY_ENCRYPTION_KEY', from: 'generate' },
      ],
      'tangerine-ai': [{ name: 'OPENAI_API_TOKEN', from: 'ask' }],
      'tangerine-feedback': [{ name: 'FEEDBACK_URL', from: 'file' }],
      'tangerine-gateway': [
        // USER_DIRECTORY_TOKEN is optional (#22): not a required secret, so not asked for.
        { name: 'SESSION_SECRET', from: 'generate' },
        { name: 'ADMIN_TOKEN', from: 'generate' },
      ],
    })
    expect(plan.settings).toEqual([
      { name: 'CALLS_APP_ID', from: 'ask' },
      { name: 'TANGERINE_DOMAIN', from: 'ask' },
    ])
    // A plan reads: nothing was created, and every call carried the token.
    expect(fake.calls.length).toBeGreaterThan(0)
    expect(fake.calls.filter((c) => c.method !== 'GET')).toEqual([])
    expect(fake.calls.every((c) => c.authorization === `Bearer ${TOKEN}`)).toBe(true)
    expect(fake.account).toEqual(emptyAccount())
  })
})

describe('the deploy plan against a deployed account', () => {
  it('creates nothing and asks nothing when everything exists and .deploy.env has the settings', async () => {
    const workers = readWorkers()
    const account: FakeAccount = {
      d1: [{ uuid: 'd1-id', name: 'tangerine-meetings' }],
      kv: (workers.find((w) => w.name === 'tangerine-feedback')!.config.kv_namespaces ?? []).map((ns, i) => ({
        id: `kv-${i}`,
        title: kvTitle('tangerine-feedback', ns.binding),
      })),
      queues: ['tangerine-ai-ended', 'tangerine-feedback', 'tangerine-feedback-dlq'].map((q) => ({
        queue_id: q,
        queue_name: q,
      })),
      workers: Object.fromEntries(workers.map((w) => [w.name, w.config.secrets?.required ?? []])),
    }
    const fake = await start(account)
    const plan = await planThroughScript(fake.url, 'CALLS_APP_ID=app\nTANGERINE_DOMAIN=meet.example.com\n')
    expect(plan.create).toEqual({ d1: [], kv: [], queues: [] })
    expect(plan.secrets).toEqual({})
    expect(plan.settings.every((s) => s.from === 'file')).toBe(true)
    expect(plan.ids.d1).toEqual({ 'tangerine-meetings': 'd1-id' })
    expect(Object.values(plan.ids.kv).sort()).toEqual(['kv-0', 'kv-1', 'kv-2'])
  })

  it('creates each missing resource once: provisioning twice makes no second create', async () => {
    const fake = await start(emptyAccount())
    const workers = readWorkers()
    const api = cloudflareApi(fake.url, TOKEN, ACCOUNT_ID)
    const ids = await provision(await planDeployment(workers, api, new Map()), api)
    const creates = fake.calls.filter((c) => c.method === 'POST')
    expect(creates.map((c) => c.body)).toEqual([
      { name: 'tangerine-meetings' },
      { title: 'tangerine-feedback-debug-info' },
      { title: 'tangerine-feedback-dead-letters' },
      { title: 'tangerine-feedback-reports' },
      { queue_name: 'tangerine-ai-ended' },
      { queue_name: 'tangerine-feedback' },
      { queue_name: 'tangerine-feedback-dlq' },
    ])
    const again = await planDeployment(workers, api, new Map())
    expect(again.create).toEqual({ d1: [], kv: [], queues: [] })
    expect(again.ids).toEqual(ids)
    await provision(again, api)
    expect(fake.calls.filter((c) => c.method === 'POST')).toHaveLength(creates.length)
  })
})

describe('a deployment with nobody to ask', () => {
  it('stops before creating anything when a secret is neither on the Worker nor in .deploy.env', async () => {
    const fake = await start(emptyAccount())
    const file = join(mkdtempSync(join(tmpdir(), 'tangerine-deploy-')), '.deploy.env')
    writeFileSync(file, 'CALLS_APP_ID=app\nTANGERINE_DOMAIN=\n')
    const { CLOUDFLARE_ACCOUNT_ID: _, ...env } = process.env
    const run = await promisify(execFile)(process.execPath, [main, '--no-web-build', '--env-file', file], {
      env: { ...env, CLOUDFLARE_API_BASE_URL: fake.url, CLOUDFLARE_API_TOKEN: TOKEN },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    )
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain('CALLS_APP_SECRET is not in .deploy.env and there is no terminal to ask')
    expect(fake.calls.filter((c) => c.method !== 'GET')).toEqual([])
    expect(fake.account).toEqual(emptyAccount())
  })
})
