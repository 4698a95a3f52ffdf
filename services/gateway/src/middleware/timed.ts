import { createMiddleware } from 'hono/factory'
import { endTime, startTime } from 'hono/timing'
import type { AppEnv } from '../app-env.ts'

/** The start and the end of a Server-Timing metric, placed around the middleware it measures. */
export const timeFrom = (name: string, description: string) =>
  createMiddleware<AppEnv>((c, next) => {
    startTime(c, name, description)
    return next()
  })

export const timeTo = (name: string) =>
  createMiddleware<AppEnv>((c, next) => {
    endTime(c, name)
    return next()
  })
