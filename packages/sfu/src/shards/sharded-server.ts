import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import type { SfuConfig } from '../config.ts'
import { createLogger, type Logger } from '../log.ts'
import { createApp } from '../http/app.ts'
import { listen } from '../http/listen.ts'
import { startTurn, type TurnService } from '../turn/service.ts'
import { ShardPool } from './pool.ts'
import type { HttpCall, HttpReply } from './protocol.ts'

export interface ShardedSfu {
  /** Base URL of the API, e.g. `http://127.0.0.1:7880` (append `/v1`). */
  url: string
  port: number
  server: Server
  shards: ShardPool
  turn: TurnService | undefined
  close(): Promise<void>
}

/** Every path that names an app's sessions: the shards answer it, authentication included. */
const SESSIONS_PATH = /^(?:\/v1)?\/apps\/[^/]+\/sessions(?:\/([^/?]*))?/
/** Headers about this hop's framing, not the request. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade'])

/**
 * The SFU over several shards: the main thread keeps the HTTP API's front (TURN, health,
 * counters) and hands every Calls API call about sessions to a shard (`ShardPool`).
 */
export async function startShardedSfu(
  config: SfuConfig,
  log: Logger = createLogger(config.logLevel),
): Promise<ShardedSfu> {
  const turn = config.turn ? await startTurn(config.turn, config.announcedIp, log) : undefined
  const shards = await ShardPool.start(config, log).catch(async (err: unknown) => {
    await turn?.close()
    throw err
  })
  const app = createApp({
    apps: config.apps,
    maxBodyBytes: config.maxBodyBytes,
    transportWaitMs: config.transportWaitMs,
    log,
    turn,
    counters: (reset) => shards.counters(reset),
  })
  const front = getRequestListener(app.fetch, { hostname: 'sfu.local' })
  const server = createServer((req, res) => {
    const match = SESSIONS_PATH.exec(req.url ?? '')
    if (!match) {
      void front(req, res)
      return
    }
    forward(shards, req, res, match[1], config.maxBodyBytes).catch((err: unknown) => {
      log.error('shard call failed', { method: req.method, err })
      reply(res, { status: 500, ...problem('internal_error', 'Internal error; see the SFU log') })
    })
  })
  const { url, port } = await listen(server, config).catch(async (err: unknown) => {
    await shards.close()
    await turn?.close()
    throw err
  })
  return {
    url,
    port,
    server,
    shards,
    turn,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await shards.close()
      await turn?.close()
    },
  }
}

async function forward(
  shards: ShardPool,
  req: IncomingMessage,
  res: ServerResponse,
  segment: string | undefined,
  maxBodyBytes: number,
): Promise<void> {
  const call: HttpCall = {
    method: req.method ?? 'GET',
    url: `http://${req.headers.host ?? 'sfu.local'}${req.url ?? '/'}`,
    headers: headersOf(req),
    body: req.method === 'GET' || req.method === 'HEAD' ? null : await readCapped(req, maxBodyBytes),
  }
  if (segment === 'new' || !segment) {
    reply(res, await shards.place(call))
    return
  }
  let sessionId = segment
  try {
    sessionId = decodeURIComponent(segment)
  } catch {
    // Left as it came: no shard knows it, and the one asked says so.
  }
  const answer = await shards.route(sessionId, call)
  reply(res, answer === 'shard-down' ? { status: 410, ...problem('session_error', 'Session was closed') } : answer)
}

function headersOf(req: IncomingMessage): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!
    if (!HOP_BY_HOP.has(name.toLowerCase())) pairs.push([name, req.rawHeaders[i + 1]!])
  }
  return pairs
}

/**
 * The body, but no more than one byte past the limit: the shard's own body limit then answers
 * 413 as the single-thread SFU does, and an endless body is not buffered here.
 */
async function readCapped(req: IncomingMessage, maxBodyBytes: number): Promise<ArrayBuffer> {
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    // Read to the end either way (stopping early would destroy the socket the 413 goes out on).
    if (length <= maxBodyBytes) chunks.push(chunk)
    length += chunk.length
  }
  const body = Buffer.concat(chunks, Math.min(length, maxBodyBytes + 1))
  return body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer
}

function reply(res: ServerResponse, answer: HttpReply): void {
  res.writeHead(answer.status, answer.headers.flat())
  res.end(Buffer.from(answer.body))
}

function problem(errorCode: string, errorDescription: string): Omit<HttpReply, 'status'> {
  const body = Buffer.from(JSON.stringify({ errorCode, errorDescription }))
  return {
    headers: [['content-type', 'application/json']],
    body: body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer,
  }
}
