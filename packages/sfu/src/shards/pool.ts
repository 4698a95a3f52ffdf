import { Worker } from 'node:worker_threads'
import type { SfuConfig } from '../config.ts'
import type { Logger } from '../log.ts'
import { combineSnapshots } from '../media/forwarding-stats.ts'
import type { Counters } from '../http/app.ts'
import { threadCpuMs } from './thread-cpu.ts'
import type { FromShard, HttpCall, HttpReply, ShardCounters, ShardInit, ToShard } from './protocol.ts'

const CLOSE_WAIT_MS = 3_000
/**
 * Each shard is its own V8 heap, and V8 sizes a young generation per heap: at its default the
 * shards' RSS at N = 12 was 339 MiB against 238 for one thread; 8 MiB gave 283 MiB at the same
 * CPU per copy (packages/sfu/README.md, "Using every core").
 */
const SHARD_YOUNG_GENERATION_MB = 8

class ShardDown extends Error {}

interface Shard {
  index: number
  worker: Worker
  alive: boolean
  /** Live sessions, plus sessions/new calls on their way: what placement balances. */
  load: number
  pending: Map<number, { resolve(value: never): void; reject(err: Error): void }>
}

/**
 * The shards (worker threads) and everything the main thread does for them: it places each new
 * session on the least loaded shard, sends each call naming a session to the shard that holds
 * it, relays the shards' catalog and pipe control between them, and adds up their counters.
 * Nothing per packet passes here.
 */
export class ShardPool {
  private readonly shards: Shard[] = []
  /** Session id → its shard, for as long as the shard remembers the session (closed ones too). */
  private readonly owner = new Map<string, number>()
  private readonly forced: number[] = []
  private nextId = 1
  private closing = false
  private readonly log: Logger

  private constructor(log: Logger) {
    this.log = log
  }

  static async start(config: SfuConfig, log: Logger): Promise<ShardPool> {
    const pool = new ShardPool(log)
    const { apps, turn: _turn, ...rest } = config
    const ports = await Promise.all(
      Array.from({ length: config.workers }, (_, index) => {
        const udpPortRange = slice(config.udpPortRange, index, config.workers)
        const init: ShardInit = { index, config: { ...rest, udpPortRange, apps: [...apps] } }
        return pool.spawn(init)
      }),
    )
    for (const shard of pool.shards) pool.send(shard, { t: 'peers', pipePorts: ports })
    return pool
  }

  get size(): number {
    return this.shards.length
  }

  /** Tests: the next new session goes to this shard, whatever the load. */
  placeNext(shard: number): void {
    this.forced.push(shard)
  }

  /** Tests: stops a shard the way a crash would (its thread ends; the pool has not asked it to). */
  async kill(shard: number): Promise<void> {
    await this.shards[shard]?.worker.terminate()
  }

  /** The shard holding a session, if known. */
  shardOf(sessionId: string): number | undefined {
    return this.owner.get(sessionId)
  }

  /** A `sessions/new` call: on the shard with the fewest sessions; the new id is learnt from the answer. */
  async place(call: HttpCall): Promise<HttpReply> {
    const alive = this.shards.filter((s) => s.alive)
    const forced = this.forced.shift()
    const shard =
      (forced === undefined ? undefined : this.shards[forced]) ??
      alive.reduce<Shard | undefined>((best, s) => (best && best.load <= s.load ? best : s), undefined)
    if (!shard?.alive) throw new ShardDown('no shard is running')
    shard.load++
    const reply = await this.call<HttpReply>(shard, (id) => ({ t: 'http', id, call }))
    const sessionId = reply.status === 201 ? createdSessionId(reply.body) : undefined
    if (sessionId) this.owner.set(sessionId, shard.index)
    else shard.load--
    return reply
  }

  /**
   * A call naming a session: to its shard. An id no shard holds goes to any live one, which
   * answers it as unknown; one whose shard stopped is answered here, as closed.
   */
  async route(sessionId: string, call: HttpCall): Promise<HttpReply | 'shard-down'> {
    const index = this.owner.get(sessionId)
    const shard = index === undefined ? this.shards.find((s) => s.alive) : this.shards[index]
    if (!shard?.alive) return 'shard-down'
    return this.call<HttpReply>(shard, (id) => ({ t: 'http', id, call }))
  }

  async counters(reset: boolean): Promise<Counters> {
    const alive = this.shards.filter((s) => s.alive)
    const parts = await Promise.all(
      alive.map((s) => this.call<ShardCounters>(s, (id) => ({ t: 'counters', id, reset }))),
    )
    return {
      sessions: parts.reduce((sum, p) => sum + p.sessions, 0),
      forwarding: combineSnapshots(parts.map((p) => p.stats)),
      shards: {
        mainCpuMs: threadCpuMs(),
        each: alive.map((s, i) => ({
          shard: s.index,
          sessions: parts[i]!.sessions,
          packetsOut: parts[i]!.stats.packetsOut,
          cpuMs: parts[i]!.cpuMs,
        })),
      },
    }
  }

  async close(): Promise<void> {
    this.closing = true
    await Promise.all(
      this.shards.map(async (shard) => {
        if (shard.alive) {
          const closed = this.call(shard, (id) => ({ t: 'close', id })).catch(() => undefined)
          await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())])
        }
        await shard.worker.terminate()
      }),
    )
  }

  private spawn(init: ShardInit): Promise<number> {
    const worker = new Worker(new URL('./shard-worker.ts', import.meta.url), {
      workerData: init,
      resourceLimits: { maxYoungGenerationSizeMb: SHARD_YOUNG_GENERATION_MB },
    })
    const shard: Shard = { index: init.index, worker, alive: true, load: 0, pending: new Map() }
    this.shards[init.index] = shard
    return new Promise<number>((resolve, reject) => {
      worker.on('message', (message: FromShard) => {
        if (message.t === 'ready') resolve(message.pipePort)
        else this.onMessage(shard, message)
      })
      worker.on('error', (err) => {
        this.log.error('shard error', { shard: shard.index, err })
        reject(err)
      })
      worker.on('exit', (code) => this.onExit(shard, code))
    })
  }

  private onMessage(shard: Shard, message: FromShard): void {
    switch (message.t) {
      case 'http':
      case 'counters':
      case 'closed': {
        const waiter = shard.pending.get(message.id)
        shard.pending.delete(message.id)
        waiter?.resolve(
          (message.t === 'http' ? message.reply : message.t === 'counters' ? message.counters : undefined) as never,
        )
        return
      }
      case 'catalog':
      case 'uncatalog':
      case 'channel':
      case 'unchannel':
        // Before any later answer of this shard: a pull that answer leads to will find the track.
        for (const other of this.shards) if (other !== shard && other.alive) this.send(other, message)
        return
      case 'pipe': {
        const to = this.shards[message.to]
        if (to?.alive) this.send(to, { t: 'pipe', from: shard.index, control: message.control })
        return
      }
      case 'session-closed':
        shard.load = Math.max(0, shard.load - 1)
        return
      case 'session-forgotten':
        this.owner.delete(message.sessionId)
        return
    }
  }

  private onExit(shard: Shard, code: number): void {
    shard.alive = false
    for (const waiter of shard.pending.values()) waiter.reject(new ShardDown(`shard ${shard.index} stopped`))
    shard.pending.clear()
    if (this.closing) return
    // The process lives on with the other shards; this one's sessions answer as closed from now on.
    this.log.error('shard stopped; its sessions are gone', { shard: shard.index, code })
    for (const other of this.shards) if (other.alive) this.send(other, { t: 'shard-down', shard: shard.index })
  }

  private call<T>(shard: Shard, message: (id: number) => ToShard): Promise<T> {
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      shard.pending.set(id, { resolve: resolve as (value: never) => void, reject })
      this.send(shard, message(id))
    })
  }

  private send(shard: Shard, message: ToShard): void {
    const transfer = message.t === 'http' && message.call.body ? [message.call.body] : []
    shard.worker.postMessage(message, transfer)
  }
}

export { ShardDown }

/**
 * Shard `index`'s own part of the ICE port range. werift finds a port by binding a probe socket,
 * closing it and binding again: two threads probing one range can both pick the same port, and
 * the loser's bind fails where werift does not look. Disjoint slices cannot collide.
 */
function slice(range: [number, number] | undefined, index: number, count: number): [number, number] | undefined {
  if (!range) return undefined
  const size = Math.floor((range[1] - range[0] + 1) / count)
  if (size < 1) throw new Error(`SFU_UDP_PORT_RANGE has fewer ports than SFU_WORKERS (${count})`)
  const min = range[0] + index * size
  return [min, index === count - 1 ? range[1] : min + size - 1]
}

function createdSessionId(body: ArrayBuffer): string | undefined {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(body)) as { sessionId?: unknown }
    return typeof parsed.sessionId === 'string' ? parsed.sessionId : undefined
  } catch {
    return undefined
  }
}
