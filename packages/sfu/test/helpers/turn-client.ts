import { createHash, createHmac, randomBytes } from 'node:crypto'
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { connect, type Socket as TcpSocket } from 'node:net'

/*
 * A minimal TURN client (RFC 8656 over UDP or TCP with long-term credentials, plus RFC 6062's
 * Connect): enough to ask a real TURN server for a relay allocation, permissions and TCP relay
 * connections, and to read its answer to each.
 */

const MAGIC = 0x2112a442
const METHOD = { allocate: 0x0003, createPermission: 0x0008, send: 0x0016, connect: 0x000a }
const ATTR = {
  username: 0x0006,
  integrity: 0x0008,
  error: 0x0009,
  peer: 0x0012,
  data: 0x0013,
  realm: 0x0014,
  nonce: 0x0015,
  relayed: 0x0016,
  transport: 0x0019,
}
const PROTOCOL = { udp: 17, tcp: 6 }

export type Refusal = { ok: false; code: number; reason: string }
export type AllocateResult = { ok: true; relayed: string } | Refusal
export type TurnResult = { ok: true } | Refusal

interface Message {
  type: number
  attrs: Map<number, Buffer>
}

function attribute(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4)
  header.writeUInt16BE(type, 0)
  header.writeUInt16BE(value.length, 2)
  const pad = Buffer.alloc((4 - (value.length % 4)) % 4)
  return Buffer.concat([header, value, pad])
}

function message(type: number, attrs: Buffer[], integrityKey?: Buffer): Buffer {
  const body = Buffer.concat(attrs)
  const header = Buffer.alloc(20)
  header.writeUInt16BE(type, 0)
  header.writeUInt32BE(MAGIC, 4)
  randomBytes(12).copy(header, 8)
  if (!integrityKey) {
    header.writeUInt16BE(body.length, 2)
    return Buffer.concat([header, body])
  }
  // MESSAGE-INTEGRITY covers the message with its length already counting the 24-byte attribute.
  header.writeUInt16BE(body.length + 24, 2)
  const mac = createHmac('sha1', integrityKey)
    .update(Buffer.concat([header, body]))
    .digest()
  return Buffer.concat([header, body, attribute(ATTR.integrity, mac)])
}

function parse(buf: Buffer): Message {
  const attrs = new Map<number, Buffer>()
  let offset = 20
  const end = 20 + buf.readUInt16BE(2)
  while (offset + 4 <= end) {
    const type = buf.readUInt16BE(offset)
    const length = buf.readUInt16BE(offset + 2)
    if (!attrs.has(type)) attrs.set(type, buf.subarray(offset + 4, offset + 4 + length))
    offset += 4 + length + ((4 - (length % 4)) % 4)
  }
  return { type: buf.readUInt16BE(0), attrs }
}

function errorOf(attrs: Map<number, Buffer>): Refusal {
  const value = attrs.get(ATTR.error)
  if (!value) return { ok: false, code: 0, reason: 'no ERROR-CODE' }
  return { ok: false, code: (value[2]! & 0x7) * 100 + value[3]!, reason: value.subarray(4).toString('utf8') }
}

function xorAddress(value: Buffer): string {
  const port = value.readUInt16BE(2) ^ (MAGIC >>> 16)
  const ip = [0, 1, 2, 3].map((i) => value[4 + i]! ^ ((MAGIC >>> (24 - 8 * i)) & 0xff)).join('.')
  return `${ip}:${port}`
}

/** XOR-PEER-ADDRESS for an IPv4 peer. */
function xorPeer(ip: string, port: number): Buffer {
  const value = Buffer.alloc(8)
  value[1] = 0x01
  value.writeUInt16BE(port ^ (MAGIC >>> 16), 2)
  ip.split('.').forEach((octet, i) => (value[4 + i] = Number(octet) ^ ((MAGIC >>> (24 - 8 * i)) & 0xff)))
  return attribute(ATTR.peer, value)
}

/** One client transport to the TURN server: UDP datagrams, or a TCP stream of framed messages. */
export class TurnClient {
  private key: Buffer | undefined
  private auth: Buffer[] = []
  private waiting: ((m: Message) => void) | undefined
  private stream = Buffer.alloc(0)
  private readonly host: string
  private readonly port: number
  private readonly socket: UdpSocket | TcpSocket
  private readonly timeoutMs: number

  private constructor(host: string, port: number, socket: UdpSocket | TcpSocket, timeoutMs: number) {
    this.host = host
    this.port = port
    this.socket = socket
    this.timeoutMs = timeoutMs
    if ('setNoDelay' in socket) {
      socket.on('data', (chunk) => this.onStream(chunk))
      socket.on('error', () => {})
    } else {
      socket.on('message', (buf) => this.onMessage(buf))
    }
  }

  static async open(host: string, port: number, transport: 'udp' | 'tcp' = 'udp', timeoutMs = 3000) {
    if (transport === 'udp') return new TurnClient(host, port, createSocket('udp4'), timeoutMs)
    const socket = await new Promise<TcpSocket>((resolve, reject) => {
      const s = connect(port, host, () => resolve(s))
      s.once('error', reject)
    })
    return new TurnClient(host, port, socket, timeoutMs)
  }

  private onMessage(buf: Buffer) {
    // Responses only (class bits 0x0110 set); indications from the relay are not awaited.
    if (buf.length >= 20 && (buf.readUInt16BE(0) & 0x0110) !== 0) this.waiting?.(parse(buf))
  }

  private onStream(chunk: Buffer) {
    this.stream = Buffer.concat([this.stream, chunk])
    while (this.stream.length >= 20) {
      const size = 20 + this.stream.readUInt16BE(2)
      if (this.stream.length < size) return
      this.onMessage(this.stream.subarray(0, size))
      this.stream = this.stream.subarray(size)
    }
  }

  private write(msg: Buffer) {
    if ('setNoDelay' in this.socket) this.socket.write(msg)
    else this.socket.send(msg, this.port, this.host)
  }

  private exchange(msg: Buffer): Promise<Message> {
    return new Promise((resolve, reject) => {
      const settle = (m: Message) => {
        clearTimeout(timer)
        this.waiting = undefined
        resolve(m)
      }
      // After a stall of this process the timer and the answer fall due together, and timers run
      // before sockets are read: the answer gets one more turn of the event loop (setImmediate runs
      // after the poll phase) before it counts as missing.
      const timer = setTimeout(
        () =>
          setImmediate(() => {
            if (this.waiting !== settle) return
            this.waiting = undefined
            reject(new Error(`no answer from TURN ${this.host}:${this.port}`))
          }),
        this.timeoutMs,
      )
      this.waiting = settle
      this.write(msg)
    })
  }

  /**
   * Allocates a relay (`relay` is REQUESTED-TRANSPORT: a UDP relay, or RFC 6062's TCP relay): first
   * unauthenticated to learn the realm and nonce (the 401 every TURN server answers), then with
   * the long-term credential, which later requests reuse.
   */
  async allocate(username: string, password: string, relay: 'udp' | 'tcp' = 'udp'): Promise<AllocateResult> {
    const transport = attribute(ATTR.transport, Buffer.from([PROTOCOL[relay], 0, 0, 0]))
    const challenge = await this.exchange(message(METHOD.allocate, [transport]))
    const realm = challenge.attrs.get(ATTR.realm)
    const nonce = challenge.attrs.get(ATTR.nonce)
    if (!realm || !nonce) return errorOf(challenge.attrs)
    this.key = createHash('md5')
      .update(`${username}:${realm.toString('utf8')}:${password}`)
      .digest()
    this.auth = [
      attribute(ATTR.username, Buffer.from(username)),
      attribute(ATTR.realm, realm),
      attribute(ATTR.nonce, nonce),
    ]
    const answer = await this.exchange(message(METHOD.allocate, [transport, ...this.auth], this.key))
    if (answer.type !== 0x0103) return errorOf(answer.attrs)
    const relayed = answer.attrs.get(ATTR.relayed)
    return { ok: true, relayed: relayed ? xorAddress(relayed) : '' }
  }

  private async request(method: number, attrs: Buffer[]): Promise<TurnResult> {
    if (!this.key) throw new Error('allocate first')
    const answer = await this.exchange(message(method, [...attrs, ...this.auth], this.key))
    return answer.type === (method | 0x0100) ? { ok: true } : errorOf(answer.attrs)
  }

  /** CreatePermission for `ip`: what the server answers decides whether anything may be relayed there. */
  createPermission(ip: string): Promise<TurnResult> {
    return this.request(METHOD.createPermission, [xorPeer(ip, 0)])
  }

  /** RFC 6062 Connect: asks a TCP relay allocation to open a TCP connection to `ip:port`. */
  connect(ip: string, port: number): Promise<TurnResult> {
    return this.request(METHOD.connect, [xorPeer(ip, port)])
  }

  /** A Send indication: `data` to `ip:port` through the UDP relay (no answer either way). */
  send(ip: string, port: number, data: Buffer) {
    this.write(message(METHOD.send, [xorPeer(ip, port), attribute(ATTR.data, data)]))
  }

  close() {
    if ('setNoDelay' in this.socket) this.socket.destroy()
    else this.socket.close()
  }
}

/** Allocates a UDP relay on `host:port` with `username`/`password` and lets it go. */
export async function allocate(
  host: string,
  port: number,
  username: string,
  password: string,
  timeoutMs = 3000,
): Promise<AllocateResult> {
  const client = await TurnClient.open(host, port, 'udp', timeoutMs)
  try {
    return await client.allocate(username, password)
  } finally {
    client.close()
  }
}
