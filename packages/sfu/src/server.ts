import { createServer, type Server } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import type { SfuConfig } from './config.ts'
import { createLogger, type Logger } from './log.ts'
import { registryOptions, SessionRegistry } from './sessions/registry.ts'
import { listen } from './http/listen.ts'
import { sessionRoutes } from './http/routes/sessions.ts'
import { createApp } from './http/app.ts'
import { startTurn, type TurnService } from './turn/service.ts'

export interface RunningSfu {
  /** Base URL of the API, e.g. `http://127.0.0.1:7880` (append `/v1`). */
  url: string
  port: number
  registry: SessionRegistry
  server: Server
  /** TURN (coturn) when configured. */
  turn: TurnService | undefined
  close(): Promise<void>
}

/** Starts the HTTP API and the media plane; `port: 0` picks a free port (tests). */
export async function startSfu(config: SfuConfig, log: Logger = createLogger(config.logLevel)): Promise<RunningSfu> {
  const turn = config.turn ? await startTurn(config.turn, config.announcedIp, log) : undefined
  const registry = new SessionRegistry(registryOptions(config), log)
  const deps = {
    apps: config.apps,
    registry,
    maxBodyBytes: config.maxBodyBytes,
    transportWaitMs: config.transportWaitMs,
    log,
  }
  const app = createApp({ ...deps, turn, sessions: sessionRoutes(deps) })
  // @hono/node-server's own Request and Response classes stand in for the globals (its default),
  // which hono's body limit needs to re-read a chunked body.
  // An HTTP/1.0 caller may send no Host; the API never needed one, so it gets a stand-in.
  const server = createServer(getRequestListener(app.fetch, { hostname: 'sfu.local' }))
  const { url, port } = await listen(server, config).catch(async (err: unknown) => {
    registry.close()
    await turn?.close()
    throw err
  })
  return {
    url,
    port,
    registry,
    server,
    turn,
    async close() {
      registry.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await turn?.close()
    },
  }
}
