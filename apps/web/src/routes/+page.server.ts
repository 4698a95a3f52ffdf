import { systemHealth } from '$lib/server/gateway'
import type { PageServerLoad } from './$types'

export const load = (async ({ platform }) => ({
  health: await systemHealth(platform),
})) satisfies PageServerLoad
