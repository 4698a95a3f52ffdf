import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import type { Logger } from '../log.ts'

/*
 * coturn (Debian's `turnserver`) as a child process: no config file, everything on the command
 * line, its user database the SQLite file TurnStore writes. It runs with `use-auth-secret`, so the
 * secrets in that file decide who may allocate. It relays to one address only, the SFU's media
 * address: a credential is handed to every browser, so any other peer it could reach (the host's
 * own services, the private network, the cloud metadata endpoint) would be reachable by anyone.
 */

/**
 * Peers coturn refuses (403 Forbidden IP): every IPv4 range that is not the public internet.
 * coturn takes `ip-ip` ranges; `allowed-peer-ip` is checked before these, so the SFU's own address
 * may sit inside one of them (127.0.0.1 locally, a private address behind NAT). The relay address
 * is IPv4, so IPv6 peers (::1, fe80::/10, fc00::/7, ff00::/8) are refused by address family
 * already; IPv6 ranges in this list broke relayed media to the allowed address in Chromium.
 */
export const DENIED_PEER_RANGES = [
  '0.0.0.0-0.255.255.255', // unspecified, "this network"
  '10.0.0.0-10.255.255.255',
  '100.64.0.0-100.127.255.255', // carrier-grade NAT
  '127.0.0.0-127.255.255.255', // loopback: the host's own services
  '169.254.0.0-169.254.255.255', // link-local, incl. the metadata endpoint 169.254.169.254
  '172.16.0.0-172.31.255.255',
  '192.0.0.0-192.0.0.255', // IETF protocol assignments
  '192.0.2.0-192.0.2.255', // documentation
  '192.88.99.0-192.88.99.255', // 6to4 relay anycast
  '192.168.0.0-192.168.255.255',
  '198.18.0.0-198.19.255.255', // benchmarking
  '198.51.100.0-198.51.100.255', // documentation
  '203.0.113.0-203.0.113.255', // documentation
  '224.0.0.0-255.255.255.255', // multicast, reserved, broadcast
]

export interface CoturnOptions {
  /** 0 picks a free port (tests). */
  port: number
  realm: string
  userdb: string
  listeningIp: string
  relayIp: string
  /** Inclusive relay port range. */
  relayPorts: [number, number]
  /** The address coturn advertises for relays, when it differs from `relayIp` (NAT). */
  externalIp?: string
  /** The one peer address allowed: where the SFU receives media. */
  allowedPeerIp: string
  /** RFC 6062 TCP relays; off unless asked for, since the SFU takes media over UDP only. */
  tcpRelay?: boolean
  binary?: string
}

export interface RunningCoturn {
  port: number
  close(): Promise<void>
}

/** A port free for both UDP and TCP on `ip`, for coturn which needs a fixed one. */
async function freePort(ip: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket('udp4')
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject)
      udp.bind(0, ip, () => resolve(udp.address().port))
    })
    const tcp = createServer()
    const tcpFree = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false))
      tcp.listen(port, ip, () => resolve(true))
    })
    udp.close()
    if (tcpFree) {
      await new Promise<void>((resolve) => tcp.close(() => resolve()))
      return port
    }
  }
  throw new Error(`no free port for coturn on ${ip}`)
}

/** A STUN Binding request: coturn answers it once its UDP listener is up. */
async function answersStun(ip: string, port: number): Promise<boolean> {
  const socket = createSocket('udp4')
  const request = Buffer.alloc(20)
  request.writeUInt16BE(0x0001, 0)
  request.writeUInt32BE(0x2112a442, 4)
  randomBytes(12).copy(request, 8)
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 200)
      socket.once('message', () => {
        clearTimeout(timer)
        resolve(true)
      })
      socket.once('error', () => resolve(false))
      socket.send(request, port, ip)
    })
  } finally {
    socket.close()
  }
}

export async function startCoturn(options: CoturnOptions, log: Logger): Promise<RunningCoturn> {
  const port = options.port === 0 ? await freePort(options.listeningIp) : options.port
  if (await answersStun(options.listeningIp, port)) {
    throw new Error(
      `Port ${port} on ${options.listeningIp} already answers STUN (another coturn, or \`npm run dev\`?): coturn needs it`,
    )
  }
  const args = [
    '-n',
    `--listening-ip=${options.listeningIp}`,
    `--relay-ip=${options.relayIp}`,
    ...(options.externalIp ? [`--external-ip=${options.externalIp}/${options.relayIp}`] : []),
    `--listening-port=${port}`,
    `--min-port=${options.relayPorts[0]}`,
    `--max-port=${options.relayPorts[1]}`,
    '--use-auth-secret',
    `--realm=${options.realm}`,
    `--userdb=${options.userdb}`,
    // coturn refuses loopback before it reads the allow list, so loopback is let through here and
    // denied again below for everything but the SFU's address.
    '--allow-loopback-peers',
    `--allowed-peer-ip=${options.allowedPeerIp}`,
    ...DENIED_PEER_RANGES.map((range) => `--denied-peer-ip=${range}`),
    '--no-multicast-peers',
    ...(options.tcpRelay ? [] : ['--no-tcp-relay']),
    '--fingerprint',
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--no-software-attribute',
    '--log-file=stdout',
    '--simple-log',
  ]
  const child: ChildProcess = spawn(options.binary ?? 'turnserver', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const tail: string[] = []
  const onOutput = (chunk: Buffer) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      tail.push(line)
      if (tail.length > 40) tail.shift()
      log.debug('coturn', { line })
    }
  }
  child.stdout?.on('data', onOutput)
  child.stderr?.on('data', onOutput)
  let spawnError: Error | undefined
  child.once('error', (err) => (spawnError = err))
  // A coturn left behind would hold the port: it goes when we go, however we go.
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)

  const deadline = Date.now() + 10_000
  while (!(await answersStun(options.listeningIp, port))) {
    if (spawnError || child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      process.off('exit', killOnExit)
      const why = spawnError
        ? `${spawnError.message} (is coturn installed? apt-get install coturn)`
        : `exited ${child.exitCode}`
      throw new Error(`coturn did not start on ${options.listeningIp}:${port}: ${why}\n${tail.join('\n')}`)
    }
  }
  log.info('coturn listening', { port, realm: options.realm, relayIp: options.relayIp })
  return {
    port,
    async close() {
      process.off('exit', killOnExit)
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
      await exited
      clearTimeout(timer)
    },
  }
}
