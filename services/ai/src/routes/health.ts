import { serviceHealth } from '@tangerine/contracts/health'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'

export const health = new Hono<AppEnv>().get('/', (c) => c.json(serviceHealth('ai'), 200))
