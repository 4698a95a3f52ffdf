import { systemHealth } from '$lib/server/gateway'
import type { PageServerLoad } from './$types'

export const load = (async ({ platform, request }) => ({
  health: await systemHealth(platform, request),
})) satisfies PageServerLoad
