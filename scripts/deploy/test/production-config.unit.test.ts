import { describe, expect, it } from 'vitest'
import { productionConfig } from '../src/production-config.ts'
import { readWorkers } from '../src/workers.ts'

const workers = readWorkers()
const worker = (name: string) => workers.find((w) => w.name === name)!
const ids = {
  d1: { 'tangerine-meetings': 'meetings-id' },
  kv: {
    'tangerine-feedback-debug-info': 'kv-debug',
    'tangerine-feedback-dead-letters': 'kv-dead',
    'tangerine-feedback-reports': 'kv-reports',
  },
}
const deployment = (settings: Record<string, string> = {}, omit: string[] = []) => ({
  ids,
  accountId: 'the-account',
  settings: new Map(Object.entries(settings)),
  entry: 'tangerine-gateway',
  omit,
})

describe('the config a Worker is deployed with', () => {
  it('has the ids of the resources on the account in place of the committed placeholders', () => {
    expect(productionConfig(worker('tangerine-rooms'), deployment()).d1_databases?.[0]?.database_id).toBe('meetings-id')
    expect(productionConfig(worker('tangerine-feedback'), deployment()).kv_namespaces?.map((ns) => ns.id)).toEqual([
      'kv-debug',
      'kv-dead',
      'kv-reports',
    ])
  })

  it("has Cloudflare's endpoints, the Calls app of .deploy.env and the account deployed to", () => {
    const vars = productionConfig(worker('tangerine-media'), deployment({ CALLS_APP_ID: 'app-1' })).vars
    expect(vars).toMatchObject({
      CALLS_API_URL: 'https://rtc.live.cloudflare.com/v1',
      CALLS_APP_ID: 'app-1',
      CLOUDFLARE_API_URL: 'https://api.cloudflare.com/client/v4',
      CLOUDFLARE_ACCOUNT_ID: 'the-account',
      TANGERINE_ENV: '',
    })
  })

  it('points at a self-hosted SFU when .deploy.env does, whose TURN account is the Calls app', () => {
    const settings = {
      CALLS_APP_ID: 'tangerine',
      CALLS_API_URL: 'https://sfu.example.com/v1',
      CLOUDFLARE_API_URL: 'https://sfu.example.com/client/v4',
    }
    expect(productionConfig(worker('tangerine-media'), deployment(settings)).vars).toMatchObject({
      ...settings,
      CLOUDFLARE_ACCOUNT_ID: 'tangerine',
    })
  })

  it('gives the gateway alone a public URL: the custom domain, else workers.dev', () => {
    expect(
      productionConfig(worker('tangerine-gateway'), deployment({ TANGERINE_DOMAIN: 'meet.example.com' })),
    ).toMatchObject({
      routes: [{ pattern: 'meet.example.com', custom_domain: true }],
      workers_dev: false,
    })
    expect(productionConfig(worker('tangerine-gateway'), deployment()).workers_dev).toBe(true)
    expect(productionConfig(worker('tangerine-rooms'), deployment()).workers_dev).toBe(false)
  })

  it('leaves out a deferred binding, and only it', () => {
    const services = productionConfig(worker('tangerine-web'), deployment({}, ['GATEWAY'])).services
    expect(services).toEqual([])
    expect(productionConfig(worker('tangerine-web'), deployment()).services).toEqual([
      { binding: 'GATEWAY', service: 'tangerine-gateway' },
    ])
  })
})
