/**
 * Forwarding benchmark (figures, not a test): N participants each push a 30 fps
 * ~500 kbit/s VP8-sized stream plus 50 pps Opus and pull everyone else's, through an
 * SFU in its own process; the clients run in worker threads.
 *
 * Reports the load actually offered (packets the clients published × pullers, next to
 * the nominal figure), forwarded packets/s, SFU CPU and memory, the SFU's own added
 * forwarding latency per forwarded copy (from the publisher packet's arrival in the
 * SFU's handler, decrypted, to that puller's encrypted copy handed to the socket, so it
 * includes fan-out order and event-loop queueing; from its /stats histogram), and the
 * end-to-end client → SFU → client latency, which also holds both clients' SRTP work
 * and queueing (with native clients, up to the datagram's arrival in the puller's socket).
 *
 *   npm run bench -w packages/sfu                  # N = 2, 4, 8, 12
 *   BENCH_N=4,8 BENCH_SECONDS=5 BENCH_WORKERS=3 npm run bench -w packages/sfu
 *   BENCH_CLIENT=werift npm run bench -w packages/sfu   # clients use werift's full receive stack
 *   BENCH_CLIENT=lean npm run bench -w packages/sfu     # clients receive in JavaScript, not in C
 *   BENCH_FEEDBACK=chromium BENCH_LOSS=0.02 npm run bench -w packages/sfu
 *   BENCH_SFU_CPU_QUOTA=0.4 BENCH_N=20,21,22 BENCH_SFU_WORKERS=1 npm run bench -w packages/sfu   # as root
 *
 * BENCH_SFU_CPU_QUOTA caps the SFU process at that many CPUs per shard (a cgroup's CFS quota), so
 * that the rate it sustains can be found by raising N until it no longer forwards everything: on a
 * 2-vCPU machine the clients need part of the cores, so two shards cannot be given two whole ones,
 * but they can be given twice what one thread gets.
 *
 * Each N runs twice by default (BENCH_FEEDBACK=both): once with bare RTP (`none`: the best
 * case, the SFU only forwards) and once with clients that negotiate and send the feedback
 * Chromium does (`chromium`: transport-cc sequence numbers on every packet and the SFU's TWCC
 * feedback to each publisher, sender and receiver reports, and NACKs for BENCH_LOSS (default
 * 1 %) of pulled video dropped on arrival, which the SFU retransmits from its history).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { Worker } from 'node:worker_threads'
import type { FromWorker, ToWorker, WorkerSetup } from './participant-worker.ts'

const sizes = (process.env.BENCH_N ?? '2,4,8,12').split(',').map(Number)
const measureSeconds = Number(process.env.BENCH_SECONDS ?? 8)
const workerCount = Number(process.env.BENCH_WORKERS ?? 2)
// How the clients take in what they pull (see participant-worker.ts). `native` needs its addon
// (npm run bench builds it) and serves the bare RTP rows; Chromium's feedback is made in JavaScript.
const nativeBuilt = existsSync(new URL('../build/bench-receive.node', import.meta.url))
const clientFor = (feedback: 'none' | 'chromium'): WorkerSetup['client'] => {
  const asked = process.env.BENCH_CLIENT ?? 'native'
  if (asked === 'werift' || asked === 'lean') return asked
  return feedback === 'none' && nativeBuilt ? 'native' : 'lean'
}
const feedbackModes = (
  process.env.BENCH_FEEDBACK === 'none' || process.env.BENCH_FEEDBACK === 'chromium'
    ? [process.env.BENCH_FEEDBACK]
    : ['none', 'chromium']
) as Array<'none' | 'chromium'>
const lossRate = Number(process.env.BENCH_LOSS ?? 0.01)
// SFU shards (SFU_WORKERS) to compare: 1 is the single-thread SFU, more spread sessions over threads.
const shardCounts = (process.env.BENCH_SFU_WORKERS ?? '1,2').split(',').map(Number)
// The forwarding path (SFU_FAST_SEND): `on` seals and sends through the native addon, `off` through
// Node's cipher and dgram (the path before the addon, and the one without a C compiler).
const fastSendModes = (process.env.BENCH_FAST_SEND ?? 'on').split(',') as Array<'on' | 'off'>
// The client threads run at this nice value (BENCH_CLIENT_NICE): on a machine the SFU shares with
// its load generator, the SFU's latency should not be the clients' scheduling.
const clientNice = Number(process.env.BENCH_CLIENT_NICE ?? 10)
const WARM_E2E_P50_MS = 20
const MAX_WARMUP_MS = 10_000
const APP = 'bench'
const SECRET = 'bench-secret'
const video = { fps: 30, packetsPerFrame: 2, packetBytes: 1040 } // ≈ 500 kbit/s
const audio = { intervalMs: 20, packetBytes: 120 }

const cpuQuota = process.env.BENCH_SFU_CPU_QUOTA ? Number(process.env.BENCH_SFU_CPU_QUOTA) : undefined

/**
 * Puts process `pid` (all its threads, and those it starts later) into a cgroup with a CFS quota of
 * `cpus` CPUs, in 10 ms periods (a throttled SFU pauses up to 10 ms, which socket buffers absorb,
 * not the default 100 ms). cgroup v2 where the machine has it, else v1's cpu controller.
 */
function capCpu(pid: number, cpus: number): void {
  const periodUs = 10_000
  const quotaUs = Math.round(cpus * periodUs)
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    const dir = '/sys/fs/cgroup/tangerine-sfu-bench'
    mkdirSync(dir, { recursive: true })
    writeFileSync(`${dir}/cpu.max`, `${quotaUs} ${periodUs}`)
    writeFileSync(`${dir}/cgroup.procs`, String(pid))
  } else {
    const dir = '/sys/fs/cgroup/cpu/tangerine-sfu-bench'
    mkdirSync(dir, { recursive: true })
    writeFileSync(`${dir}/cpu.cfs_period_us`, String(periodUs))
    writeFileSync(`${dir}/cpu.cfs_quota_us`, String(quotaUs))
    writeFileSync(`${dir}/cgroup.procs`, String(pid))
  }
}

async function startSfuProcess(
  shards: number,
  fastSend: 'on' | 'off',
): Promise<{
  url: string
  pid: number
  stop: () => Promise<void>
  kill: () => void
}> {
  // BENCH_SFU_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/sfu-prof" profiles the SFU.
  const nodeArgs = (process.env.BENCH_SFU_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = spawn(process.execPath, [...nodeArgs, 'src/main.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      SFU_PORT: '0',
      SFU_HOST: '127.0.0.1',
      SFU_APPS: `${APP}:${SECRET}`,
      // A local run with a short secret: the SFU accepts that only in development.
      TANGERINE_ENV: 'development',
      SFU_UDP_PORT_RANGE: 'any',
      SFU_LOG_LEVEL: process.env.BENCH_SFU_LOG_LEVEL ?? 'info',
      SFU_WORKERS: String(shards),
      SFU_FAST_SEND: fastSend,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  if (cpuQuota) capCpu(child.pid!, cpuQuota * shards)
  const lines = createInterface({ input: child.stdout! })
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`SFU exited with ${code}`)))
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { level?: string; msg?: string; url?: string }
      if (entry.msg === 'sfu listening' && entry.url) resolve(entry.url)
      if (entry.level !== 'info' || process.env.BENCH_DEBUG) console.error(line)
    })
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM')
      await exited
    },
    // A bench that gives up must not leave the SFU behind: with its stdout pipe gone, it would
    // spin on EPIPE errors it logs to that same stdout.
    kill: () => child.kill('SIGKILL'),
  }
}

function processStats(pid: number): { cpuSeconds: number; systemSeconds: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  const ticks = Number(stat[11]) + Number(stat[12])
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  return { cpuSeconds: ticks / 100, systemSeconds: Number(stat[12]) / 100, rssMiB: rssKiB / 1024 }
}

/** CPU seconds the whole machine spent busy (all cores), from /proc/stat. */
function machineBusySeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .split(/\s+/)
  return [user, nice, system, irq, softirq, steal].reduce((sum, v) => sum + Number(v), 0) / 100
}

const clientCpuSeconds = () => {
  const { user, system } = process.cpuUsage() // this process and its worker threads
  return (user + system) / 1e6
}

function next(worker: Worker, type: FromWorker['type']): Promise<FromWorker> {
  return new Promise((resolve) => {
    const onMessage = (message: FromWorker) => {
      if (message.type !== type) return
      worker.off('message', onMessage)
      resolve(message)
    }
    worker.on('message', onMessage)
  })
}

const phase = (what: string) => process.env.BENCH_DEBUG && console.error(new Date().toISOString(), what)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]

/** What /stats tells about the shards: each one's thread CPU time and copies, and the main thread's CPU. */
interface ShardStats {
  mainCpuMs: number | null
  each: Array<{ shard: number; packetsOut: number; cpuMs: number | null }>
}

async function run(
  n: number,
  feedback: 'none' | 'chromium',
  sfu: { url: string; pid: number; kill: () => void },
  shardCount: number,
) {
  const shares = Array.from({ length: Math.min(workerCount, n) }, (_, w) =>
    Array.from({ length: n }, (_, i) => i).filter((i) => i % Math.min(workerCount, n) === w),
  )
  const workers = shares.map((indices) => {
    const setup: WorkerSetup = {
      url: sfu.url,
      appId: APP,
      secret: SECRET,
      indices,
      video,
      audio,
      client: clientFor(feedback),
      feedback,
      lossRate: feedback === 'chromium' ? lossRate : 0,
      nice: clientNice,
    }
    const worker = new Worker(new URL('./participant-worker.ts', import.meta.url), { workerData: setup })
    worker.on('error', (err) => {
      console.error('bench worker failed:', err)
      sfu.kill()
      process.exit(1)
    })
    return worker
  })
  const sessions: string[] = []
  // Listen to every worker at once: a message posted before its listener exists is lost.
  for (const joined of await Promise.all(workers.map((w) => next(w, 'joined')))) {
    if (joined.type !== 'joined') continue
    for (const [i, id] of Object.entries(joined.sessions)) sessions[Number(i)] = id
  }
  const send = (message: ToWorker) => workers.forEach((w) => w.postMessage(message))
  phase('joined')
  send({ type: 'pull', sessions })
  await Promise.all(workers.map((w) => next(w, 'pulled')))
  phase('pulled')
  await sleep(2000) // warm-up: keyframe requests, JIT
  // Setting up the pulls (SDP, a DTLS handshake per puller, in JS) keeps the SFU busy while
  // the publishers already send at full rate, so the SFU's socket buffers fill up: at
  // ~110 pkt/s per session a 208 KiB receive buffer holds 1–2 s of packets. Measuring
  // before that backlog has drained reports queueing from set-up, not steady state, so
  // warm up until the clients' median e2e latency over a second is below
  // WARM_E2E_P50_MS (or give up after MAX_WARMUP_MS and measure whatever state it is in:
  // an SFU that never drains it is overloaded, and with its sockets full for long, the
  // STUN consent checks get dropped too and werift fails the transports after ~30 s).
  const warmupStarted = performance.now()
  for (;;) {
    const reports = workers.map((w) => next(w, 'report'))
    send({ type: 'measure' })
    await sleep(1000)
    send({ type: 'report' })
    const window = (await Promise.all(reports)) as Array<Extract<FromWorker, { type: 'report' }>>
    const p50 = percentile(Float64Array.from(window.flatMap((r) => Array.from(r.latencies))).sort(), 0.5)
    phase(`warm-up e2e p50 ${p50?.toFixed(1)} ms`)
    if ((p50 !== undefined && p50 < WARM_E2E_P50_MS) || performance.now() - warmupStarted > MAX_WARMUP_MS) break
  }
  const warmupSeconds = (performance.now() - warmupStarted) / 1000 + 2

  // The counters before the reset: the shards' CPU clocks are cumulative, their copies start again.
  const shardsBefore = ((await (await fetch(`${sfu.url}/stats?reset=1`)).json()) as { shards?: ShardStats }).shards
  phase('stats reset')
  const before = processStats(sfu.pid)
  const clientBefore = clientCpuSeconds()
  const machineBefore = machineBusySeconds()
  const started = performance.now()
  send({ type: 'measure' })
  await sleep(measureSeconds * 1000)
  phase('measured')
  const reports = workers.map((w) => next(w, 'report'))
  send({ type: 'report' })
  const done = (await Promise.all(reports)) as Array<Extract<FromWorker, { type: 'report' }>>
  phase('reported')
  const seconds = (performance.now() - started) / 1000
  const after = processStats(sfu.pid)
  const clientCpu = clientCpuSeconds() - clientBefore
  const machineCpu = machineBusySeconds() - machineBefore
  const sfuStats = (await (await fetch(`${sfu.url}/stats`)).json()) as {
    forwarding: { packetsOut: number; latencyMs: { p50: number; p99: number } }
    shards?: ShardStats
  }
  phase('sfu stats')
  const closed = workers.map((w) => next(w, 'closed'))
  send({ type: 'close' })
  await Promise.all(closed)
  await Promise.all(workers.map((w) => w.terminate()))

  phase('closed')
  const all = new Float64Array(done.reduce((sum, r) => sum + r.latencies.length, 0))
  let offset = 0
  for (const r of done) {
    all.set(r.latencies, offset)
    offset += r.latencies.length
  }
  all.sort()
  const received = done.reduce((sum, r) => sum + r.received, 0)
  const sent = done.reduce((sum, r) => sum + r.sent, 0)
  const skipped = done.reduce((sum, r) => sum + r.skipped, 0)
  const expected = n * (n - 1) * (video.fps * video.packetsPerFrame + 1000 / audio.intervalMs)
  const counted = (k: keyof Extract<FromWorker, { type: 'report' }>['feedback']) =>
    Math.round(done.reduce((sum, r) => sum + r.feedback[k], 0) / seconds)
  const sfuCpuSeconds = after.cpuSeconds - before.cpuSeconds
  // Per shard: its own thread's CPU (% of one core) and µs per copy it made, measured with every
  // shard busy at once; and the main thread's CPU, which does nothing per packet.
  const perShard = (sfuStats.shards?.each ?? []).map((shard) => {
    const cpuMs = (shard.cpuMs ?? 0) - (shardsBefore?.each.find((s) => s.shard === shard.shard)?.cpuMs ?? 0)
    return { cpuPct: Math.round(cpuMs / 10 / seconds), usPerCopy: (cpuMs * 1000) / Math.max(1, shard.packetsOut) }
  })
  const mainCpuMs = (sfuStats.shards?.mainCpuMs ?? 0) - (shardsBefore?.mainCpuMs ?? 0)
  return {
    N: n,
    shards: shardCount,
    feedback: feedback === 'chromium' ? `chromium ${(lossRate * 100).toFixed(1)}%` : 'none',
    client: clientFor(feedback),
    pulls: `${n}×${n - 1}`,
    'warm-up s': Math.round(warmupSeconds),
    'expected pkt/s': Math.round(expected),
    // What the clients really published, times the pullers of each packet.
    'offered pkt/s': Math.round((sent * (n - 1)) / seconds),
    'skipped pkts': skipped,
    'SFU fwd pkt/s': Math.round(sfuStats.forwarding.packetsOut / seconds),
    'recv pkt/s': Math.round(received / seconds),
    // What reached the pullers of what was offered: below 100 the SFU (or a client) fell behind.
    'recv % of offered': Number(((100 * received) / Math.max(1, sent * (n - 1))).toFixed(2)),
    // Pulled packets that did not authenticate at the client (counted by native clients): 0.
    'recv failed': done.reduce((sum, r) => sum + r.failed, 0),
    // Resends far behind their stream: lost at set-up, or to an overloaded SFU (native clients).
    'recv late': done.reduce((sum, r) => sum + r.late, 0),
    'SFU CPU quota': cpuQuota ? cpuQuota * shardCount : '-',
    'SFU CPU %': Math.round((100 * sfuCpuSeconds) / seconds),
    // The kernel's part of it: on loopback each send also delivers the datagram to its receiver.
    'SFU kernel %': Math.round((100 * (after.systemSeconds - before.systemSeconds)) / seconds),
    // SFU CPU time per forwarded copy, everything it does included (receive, feedback, send).
    'µs/fwd pkt': Number(((sfuCpuSeconds * 1e6) / Math.max(1, sfuStats.forwarding.packetsOut)).toFixed(1)),
    // What one core would forward at that cost: 10⁶ / (µs per forwarded packet).
    'fwd pkt/s per core': Math.round(sfuStats.forwarding.packetsOut / Math.max(1e-6, sfuCpuSeconds)),
    'shard CPU %': perShard.map((s) => s.cpuPct).join('/') || '-',
    'shard µs/fwd pkt': perShard.map((s) => s.usPerCopy.toFixed(1)).join('/') || '-',
    // With shards, what the cores would forward with each shard on its own: Σ 10⁶ / (µs per copy).
    'fwd pkt/s, shards on own cores': perShard.length
      ? Math.round(perShard.reduce((sum, s) => sum + 1e6 / Math.max(1e-3, s.usPerCopy), 0))
      : '-',
    'main thread CPU %': sfuStats.shards ? Math.round(mainCpuMs / 10 / seconds) : '-',
    'SFU RSS MiB': Math.round(after.rssMiB),
    // Forwarded streams: every participant pulls the others' audio and video.
    'RSS MiB per 100 streams': Number(((100 * after.rssMiB) / (n * (n - 1) * 2)).toFixed(1)),
    'client CPU %': Math.round((100 * clientCpu) / seconds),
    // Everything else on the (shared) machine, in % of one core.
    'other CPU %': Math.max(
      0,
      Math.round((100 * (machineCpu - clientCpu - (after.cpuSeconds - before.cpuSeconds))) / seconds),
    ),
    'SFU p50 ms': sfuStats.forwarding.latencyMs.p50,
    'SFU p99 ms': sfuStats.forwarding.latencyMs.p99,
    'e2e p50 ms': Number(percentile(all, 0.5)?.toFixed(2)),
    'e2e p99 ms': Number(percentile(all, 0.99)?.toFixed(2)),
    'NACK/s': counted('nacksSent'),
    'rtx recv/s': counted('recovered'),
    'TWCC fb/s': counted('twccSent'),
    'RR/s': counted('rrSent'),
  }
}

const rows = []
for (const fastSend of fastSendModes)
  for (const shardCount of shardCounts) {
    phase('starting sfu')
    const sfu = await startSfuProcess(shardCount, fastSend)
    phase('sfu up ' + sfu.url)
    try {
      for (const n of sizes)
        for (const feedback of feedbackModes) {
          // A stuck client (e.g. a peer that never connects on a loaded machine) must not hang the bench.
          const watchdog = setTimeout(
            () => {
              console.error(`N=${n} did not finish in time; giving up`)
              sfu.kill()
              process.exit(2)
            },
            120_000 + MAX_WARMUP_MS + measureSeconds * 1000,
          )
          const row = { 'fast send': fastSend, ...(await run(n, feedback, sfu, shardCount)) }
          clearTimeout(watchdog)
          console.log(JSON.stringify(row))
          rows.push(row)
          await sleep(1000)
        }
    } finally {
      await sfu.stop()
    }
  }
console.table(rows)
process.exit(0)
