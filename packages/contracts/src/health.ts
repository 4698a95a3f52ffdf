import * as z from 'zod'

/** Every Worker behind the gateway, by the name its binding and health report use. */
export const ServiceName = z.enum(['gateway', 'rooms', 'media', 'ai', 'feedback', 'web'])
export type ServiceName = z.infer<typeof ServiceName>

/** Services the gateway reaches through a binding (itself excluded). */
export const boundServices = ['rooms', 'media', 'ai', 'feedback', 'web'] as const satisfies readonly ServiceName[]

export const CheckStatus = z.enum(['ok', 'degraded', 'down'])
export type CheckStatus = z.infer<typeof CheckStatus>

/** What one service says about itself on `GET /health`. */
export const ServiceHealth = z.object({
  service: ServiceName,
  status: CheckStatus,
  /** Named dependency checks (a Durable Object round-trip, a queue binding, the SFU…). */
  checks: z.record(z.string(), z.object({ status: CheckStatus, detail: z.string().optional() })).default({}),
  time: z.iso.datetime(),
})
export type ServiceHealth = z.infer<typeof ServiceHealth>

/** One entry of the gateway's system report: the service's own report, or why it could not be had. */
export const ServiceHealthEntry = z.object({
  service: ServiceName,
  status: CheckStatus,
  latencyMs: z.number().nonnegative(),
  report: ServiceHealth.optional(),
  error: z.string().optional(),
})
export type ServiceHealthEntry = z.infer<typeof ServiceHealthEntry>

export const SystemHealth = z.object({
  status: CheckStatus,
  services: z.array(ServiceHealthEntry),
  time: z.iso.datetime(),
})
export type SystemHealth = z.infer<typeof SystemHealth>

/** `GET /api/health?service=rooms` narrows the report to one service. Unknown names are a 400. */
export const HealthQuery = z.strictObject({
  service: ServiceName.optional(),
})
export type HealthQuery = z.infer<typeof HealthQuery>

export function overallStatus(statuses: readonly CheckStatus[]): CheckStatus {
  if (statuses.every((s) => s === 'ok')) return 'ok'
  if (statuses.every((s) => s === 'down')) return 'down'
  return 'degraded'
}

export type Checks = ServiceHealth['checks']

/** A service's report: its status is the worst of its checks. */
export function serviceHealth(service: ServiceName, checks: Checks = {}, now = new Date()): ServiceHealth {
  return {
    service,
    status: overallStatus(Object.values(checks).map((c) => c.status)),
    checks,
    time: now.toISOString(),
  }
}

/** Runs one dependency check, turning a throw into a `down` entry with the reason. */
export async function check(run: () => Promise<unknown>): Promise<Checks[string]> {
  try {
    await run()
    return { status: 'ok' }
  } catch (err) {
    return { status: 'down', detail: err instanceof Error ? err.message : String(err) }
  }
}
