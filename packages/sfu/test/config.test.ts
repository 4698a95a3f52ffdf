import { availableParallelism } from 'node:os'
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { configFromEnv } from '../src/config.ts'

/*
 * Outside local development the SFU does not start on the public dev app, nor on a short or
 * committed example secret; with TANGERINE_ENV=development it does, as `npm run dev` runs it.
 */

const STRONG = 'k3v8sQ1x9ZpL0aWm4RtY7uB2nE6cH5jD'

describe('SFU app secrets outside local development', () => {
  it('refuses to fall back to the dev app', () => {
    expect(() => configFromEnv({})).toThrow(/SFU_APPS is missing/)
  })

  it('refuses a committed example secret, naming the app and not the secret', () => {
    let message = ''
    try {
      configFromEnv({ SFU_APPS: `prod:${STRONG},other:dev-secret` })
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toMatch(/app "other" is a committed example value/)
    expect(message).not.toContain(STRONG)
    expect(message).not.toMatch(/other:dev-secret/)
  })

  it('refuses a short secret', () => {
    expect(() => configFromEnv({ SFU_APPS: 'prod:short-but-not-example' })).toThrow(/app "prod" is too short/)
  })

  it('accepts strong secrets', () => {
    expect([...configFromEnv({ SFU_APPS: `prod:${STRONG}` }).apps]).toEqual([['prod', STRONG]])
  })

  it('accepts the dev app in local development', () => {
    expect([...configFromEnv({ TANGERINE_ENV: 'development' }).apps]).toEqual([['tangerine-dev', 'dev-secret']])
  })

  it('main exits non-zero with one clear line instead of starting', () => {
    const run = spawnSync(process.execPath, ['--experimental-strip-types', 'src/main.ts'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: { PATH: process.env.PATH, SFU_PORT: '0', SFU_APPS: 'tangerine-dev:dev-secret' },
      encoding: 'utf8',
      // An SFU that starts instead (as before this check) is killed, and the test fails rather than hangs.
      timeout: 20_000,
      killSignal: 'SIGKILL',
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(
      /sfu: refusing to start: SFU_APPS: the secret of app "tangerine-dev" is a committed example value/,
    )
    expect(run.stdout).not.toMatch(/sfu listening/)
  })
})

describe('the transport wait', () => {
  // https://developers.cloudflare.com/realtime/sfu/platform/limits/: "wait up to five seconds".
  it('is 5 s unless SFU_TRANSPORT_WAIT_MS says otherwise', () => {
    expect(configFromEnv({ TANGERINE_ENV: 'development' }).transportWaitMs).toBe(5_000)
    expect(configFromEnv({ TANGERINE_ENV: 'development', SFU_TRANSPORT_WAIT_MS: '250' }).transportWaitMs).toBe(250)
    expect(() => configFromEnv({ TANGERINE_ENV: 'development', SFU_TRANSPORT_WAIT_MS: 'soon' })).toThrow(
      /SFU_TRANSPORT_WAIT_MS/,
    )
  })
})

describe('shards', () => {
  it('are one per core unless SFU_WORKERS says otherwise', () => {
    const dev = { TANGERINE_ENV: 'development' }
    expect(configFromEnv(dev).workers).toBe(availableParallelism())
    expect(configFromEnv({ ...dev, SFU_WORKERS: '1' }).workers).toBe(1)
    expect(configFromEnv({ ...dev, SFU_WORKERS: '2' }).workers).toBe(2)
    expect(configFromEnv({ ...dev, SFU_WORKERS: '0' }).workers).toBe(1)
    expect(configFromEnv({ ...dev, SFU_WORKERS: 'auto' }).workers).toBe(availableParallelism())
    expect(() => configFromEnv({ ...dev, SFU_WORKERS: 'many' })).toThrow(/SFU_WORKERS/)
  })
})

describe('native seal-and-send', () => {
  it('is on unless SFU_FAST_SEND turns it off; anything but on/off is refused', () => {
    const dev = { TANGERINE_ENV: 'development' }
    expect(configFromEnv(dev).fastSend).toBe(true)
    expect(configFromEnv({ ...dev, SFU_FAST_SEND: 'off' }).fastSend).toBe(false)
    expect(configFromEnv({ ...dev, SFU_FAST_SEND: 'on' }).fastSend).toBe(true)
    expect(() => configFromEnv({ ...dev, SFU_FAST_SEND: 'fast' })).toThrow(/SFU_FAST_SEND must be on or off/)
  })
})
