import { createMiddleware } from 'hono/factory'
import type { TurnService } from '../../turn/service.ts'

export type TurnEnv = { Variables: { turn: TurnService } }

/** TURN paths answer only when coturn runs (SFU_TURN_PORT); each API refuses in its own shape. */
export const turnEnabled = (turn: TurnService | undefined, refuse: () => Error) =>
  createMiddleware<TurnEnv>(async (c, next) => {
    if (!turn) throw refuse()
    c.set('turn', turn)
    await next()
  })
