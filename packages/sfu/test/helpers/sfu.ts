import { createCallsClient } from '@tangerine/contracts/calls/client'
import { startSfu, type RunningSfu } from '../../src/server.ts'
import { createLogger } from '../../src/log.ts'
import type { SfuConfig, TurnConfig } from '../../src/config.ts'

export const APP_ID = 'test-app'
export const APP_SECRET = 'test-secret'

export function testConfig(overrides: Partial<SfuConfig> = {}): SfuConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    announcedIp: '127.0.0.1',
    udpBindIp: '127.0.0.1',
    udpPortRange: undefined,
    apps: new Map([
      [APP_ID, APP_SECRET],
      ['other-app', 'other-secret'],
    ]),
    sessionIdleTimeoutMs: 30_000,
    trackIdleTimeoutMs: 30_000,
    closedSessionMemoryMs: 60_000,
    maxBodyBytes: 64 * 1024,
    transportWaitMs: 5_000,
    workers: 1,
    fastSend: true,
    logLevel: (process.env.SFU_TEST_LOG_LEVEL as SfuConfig['logLevel'] | undefined) ?? 'silent',
    ...overrides,
  }
}

/** coturn on a free port, all on loopback; each test file gives its own relay ports (they run side by side). */
export function loopbackTurn(relayPorts: [number, number], userdb?: string): TurnConfig {
  return {
    port: 0,
    realm: 'tangerine-test',
    host: '127.0.0.1',
    listeningIp: '127.0.0.1',
    relayIp: '127.0.0.1',
    relayPorts,
    userdb,
  }
}

export async function startTestSfu(overrides: Partial<SfuConfig> = {}): Promise<RunningSfu> {
  const config = testConfig(overrides)
  const sfu = await startSfu(config, createLogger(config.logLevel))
  // Only the client ends idle connections here. When both ends time them out (fetch after 4 s, the
  // server after 5 s), a stall of this process across both can send a request down a socket the
  // server is closing: ECONNRESET, nothing to do with the SFU.
  sfu.server.keepAliveTimeout = 0
  return sfu
}

export function clientFor(sfu: RunningSfu, prefix = '/v1') {
  return createCallsClient({ baseUrl: `${sfu.url}${prefix}`, appId: APP_ID, appSecret: APP_SECRET })
}

/**
 * The live sessions' ids. "Created nothing" compares these rather than a count, which a session
 * of an earlier test expiring at the same moment would balance out (or upset).
 */
export const sessionIds = (sfu: RunningSfu) => [...sfu.registry.all()].map((session) => session.id)

/** A raw request, for the cases the typed client would never send. */
export async function raw(
  sfu: RunningSfu,
  method: string,
  path: string,
  init: { body?: string; secret?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers; text: string }> {
  const headers: Record<string, string> = { ...init.headers }
  const secret = init.secret === undefined ? APP_SECRET : init.secret
  if (secret !== null) headers.Authorization = `Bearer ${secret}`
  const response = await fetch(`${sfu.url}${path}`, { method, headers, body: init.body })
  const text = await response.text()
  return { status: response.status, json: JSON.parse(text) as Record<string, unknown>, headers: response.headers, text }
}
