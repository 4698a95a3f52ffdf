import { json } from '@sveltejs/kit'
import { serviceHealth } from '@tangerine/contracts/health'
import type { RequestHandler } from './$types'

/** The web Worker's own health, read by the gateway over its binding. */
export const GET: RequestHandler = () => json(serviceHealth('web'))
