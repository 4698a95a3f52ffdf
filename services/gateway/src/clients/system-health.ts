import {
  boundServices,
  overallStatus,
  serviceHealth,
  type ServiceHealthEntry,
  type ServiceName,
  type SystemHealth,
} from '@tangerine/contracts/health'
import { healthProbes, readHealth } from './services.ts'

type Bound = (typeof boundServices)[number]

async function probe(
  service: Bound,
  run: ReturnType<typeof healthProbes>[Bound],
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

/** Every service's health with the time its answer took (or one service's): `/api/health` and the ops overview. */
export async function systemHealth(env: GatewayEnv, service?: ServiceName): Promise<SystemHealth> {
  const timeoutMs = Number(env.HEALTH_TIMEOUT_MS) || 2000
  const probes = healthProbes(env)
  const self: ServiceHealthEntry = { service: 'gateway', status: 'ok', latencyMs: 0, report: serviceHealth('gateway') }
  const wanted = boundServices.filter((name) => !service || name === service)
  const entries = await Promise.all(wanted.map((name) => probe(name, probes[name], timeoutMs)))
  const services = !service || service === 'gateway' ? [self, ...entries] : entries
  return { status: overallStatus(services.map((s) => s.status)), services, time: new Date().toISOString() }
}
