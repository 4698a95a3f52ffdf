import {
  boundServices,
  HealthQuery,
  overallStatus,
  serviceHealth,
  type ServiceHealthEntry,
  type SystemHealth,
} from '@tangerine/contracts/health'
import { validate } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { healthProbes, readHealth } from '../clients/services.ts'

async function probe(
  service: (typeof boundServices)[number],
  run: ReturnType<typeof healthProbes>[(typeof boundServices)[number]],
  timeoutMs: number,
): Promise<ServiceHealthEntry> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  try {
    const report = await readHealth(service, await run(AbortSignal.timeout(timeoutMs)))
    return { service, status: report.status, latencyMs: elapsed(), report }
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
    const error = timedOut ? `no answer within ${timeoutMs} ms` : err instanceof Error ? err.message : String(err)
    return { service, status: 'down', latencyMs: elapsed(), error }
  }
}

export const health = new Hono<AppEnv>().get('/', validate('query', HealthQuery), async (c) => {
  const { service } = c.req.valid('query')
  const timeoutMs = Number(c.env.HEALTH_TIMEOUT_MS) || 2000
  const probes = healthProbes(c.env)
  const self: ServiceHealthEntry = { service: 'gateway', status: 'ok', latencyMs: 0, report: serviceHealth('gateway') }
  const wanted = boundServices.filter((name) => !service || name === service)
  const entries = await Promise.all(wanted.map((name) => probe(name, probes[name], timeoutMs)))
  const services = !service || service === 'gateway' ? [self, ...entries] : entries
  const body: SystemHealth = {
    status: overallStatus(services.map((s) => s.status)),
    services,
    time: new Date().toISOString(),
  }
  return c.json(body, body.status === 'ok' ? 200 : 503)
})
