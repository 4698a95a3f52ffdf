import { parentPort, workerData } from 'node:worker_threads'
import { sessionRoutes } from '../http/routes/sessions.ts'
import { createApp } from '../http/app.ts'
import { createLogger } from '../log.ts'
import { registryOptions, SessionRegistry } from '../sessions/registry.ts'
import { ShardLink } from './shard-link.ts'
import { ChannelLink } from './channel-link.ts'
import { threadCpuMs } from './thread-cpu.ts'
import { isChannelControl, type FromShard, type HttpCall, type ShardInit, type ToShard } from './protocol.ts'

/**
 * One shard: a worker thread with its own sessions, their werift peers and ICE sockets, and the
 * Calls API for them (the main thread hands it each request naming one of its sessions). Tracks
 * published elsewhere reach its pullers through `ShardLink`'s pipes.
 */
const port = parentPort
if (!port) throw new Error('shard-worker.ts runs as a worker thread')
const { index, config } = workerData as ShardInit
const log = createLogger(config.logLevel, { service: 'sfu', shard: index })
const post = (message: FromShard, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer)

// As on the main thread (src/main.ts): one broken peer must not take the shard's other sessions down.
process.on('unhandledRejection', (err) => log.error('unhandled rejection', { err }))
process.on('uncaughtException', (err) => log.error('uncaught exception', { err }))

const registry = new SessionRegistry(registryOptions(config), log)
const link = new ShardLink(index, post, log)
const channels = new ChannelLink(post)
registry.hooks = {
  findRemote: (appId, sessionId, trackName) => link.findRemote({ appId, sessionId, trackName }),
  findRemoteChannel: (appId, sessionId, dataChannelName) => channels.find({ appId, sessionId, dataChannelName }),
  trackClosed: (session, track) => link.unannounce(session, track),
  sessionClosed: (session) => {
    channels.announce(session, index)
    post({ t: 'session-closed', sessionId: session.id })
  },
  sessionForgotten: (sessionId) => post({ t: 'session-forgotten', sessionId }),
}
const deps = {
  apps: new Map(config.apps),
  registry,
  maxBodyBytes: config.maxBodyBytes,
  transportWaitMs: config.transportWaitMs,
  log,
}
const app = createApp({ ...deps, sessions: sessionRoutes(deps) })

const SESSION_IN_PATH = /\/apps\/([^/]+)\/sessions\/([^/]+)/

const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

async function serve(call: HttpCall) {
  const response = await app.fetch(
    new Request(call.url, { method: call.method, headers: call.headers, body: call.body ?? undefined }),
  )
  const body = await response.arrayBuffer()
  // What the call published or renegotiated is told to the other shards before its answer leaves:
  // both go through the main thread in this order, so a pull the answer leads to finds the track.
  const [, appId = '', named = ''] = SESSION_IN_PATH.exec(new URL(call.url).pathname) ?? []
  const sessionId = named === 'new' ? newSessionId(body) : decoded(named)
  const session = sessionId ? registry.findSession(decoded(appId), sessionId) : undefined
  if (session) {
    link.announce(session)
    channels.announce(session, index)
  }
  return { status: response.status, headers: [...response.headers.entries()], body }
}

function newSessionId(body: ArrayBuffer): string | undefined {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(body)) as { sessionId?: unknown }
    return typeof parsed.sessionId === 'string' ? parsed.sessionId : undefined
  } catch {
    return undefined
  }
}

port.on('message', (message: ToShard) => {
  switch (message.t) {
    case 'http':
      serve(message.call).then(
        (reply) => post({ t: 'http', id: message.id, reply }, [reply.body]),
        (err: unknown) => {
          log.error('shard request failed', { err })
          const body = new TextEncoder().encode(
            JSON.stringify({ errorCode: 'internal_error', errorDescription: 'Internal error; see the SFU log' }),
          ).buffer as ArrayBuffer
          post({
            t: 'http',
            id: message.id,
            reply: { status: 500, headers: [['content-type', 'application/json']], body },
          })
        },
      )
      return
    case 'counters':
      post({
        t: 'counters',
        id: message.id,
        counters: { sessions: registry.size, stats: registry.stats.parts(), cpuMs: threadCpuMs() },
      })
      if (message.reset) registry.stats.reset()
      return
    case 'peers':
      link.setPeers(message.pipePorts)
      return
    case 'catalog':
      link.addEntry(message.entry)
      return
    case 'uncatalog':
      link.removeEntry(message)
      return
    case 'channel':
      channels.add(message)
      return
    case 'unchannel':
      channels.remove(message)
      return
    case 'pipe': {
      const { from, control } = message
      if (isChannelControl(control)) {
        channels.onControl(from, control, (key) =>
          registry.findSession(key.appId, key.sessionId)?.publishedChannel(key.dataChannelName),
        )
      } else {
        link.onControl(from, control, (key) => registry.findLocal(key.appId, key.sessionId, key.trackName))
      }
      return
    }
    case 'shard-down':
      link.shardDown(message.shard)
      channels.shardDown(message.shard)
      return
    case 'close':
      registry.close()
      link.close()
      post({ t: 'closed', id: message.id })
      return
  }
})

post({ t: 'ready', pipePort: await link.bind() })
