import { createHash, createHmac, randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'

/*
 * A minimal TURN client (RFC 8656 Allocate over UDP with long-term credentials): enough to ask a
 * real TURN server for a relay allocation and see whether it takes a credential.
 */

const MAGIC = 0x2112a442
const ALLOCATE = 0x0003
const ATTR = {
  username: 0x0006,
  integrity: 0x0008,
  error: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  transport: 0x0019,
  relayed: 0x0016,
}

export type AllocateResult = { ok: true; relayed: string } | { ok: false; code: number; reason: string }

function attribute(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4)
  header.writeUInt16BE(type, 0)
  header.writeUInt16BE(value.length, 2)
  const pad = Buffer.alloc((4 - (value.length % 4)) % 4)
  return Buffer.concat([header, value, pad])
}

function message(type: number, txId: Buffer, attrs: Buffer[], integrityKey?: Buffer): Buffer {
  const body = Buffer.concat(attrs)
  const header = Buffer.alloc(20)
  header.writeUInt16BE(type, 0)
  header.writeUInt32BE(MAGIC, 4)
  txId.copy(header, 8)
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

function parse(buf: Buffer): { type: number; attrs: Map<number, Buffer> } {
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

function errorOf(attrs: Map<number, Buffer>): { code: number; reason: string } {
  const value = attrs.get(ATTR.error)
  if (!value) return { code: 0, reason: 'no ERROR-CODE' }
  return { code: (value[2]! & 0x7) * 100 + value[3]!, reason: value.subarray(4).toString('utf8') }
}

function xorAddress(value: Buffer): string {
  const port = value.readUInt16BE(2) ^ (MAGIC >>> 16)
  const ip = [0, 1, 2, 3].map((i) => value[4 + i]! ^ ((MAGIC >>> (24 - 8 * i)) & 0xff)).join('.')
  return `${ip}:${port}`
}

/**
 * Allocates a UDP relay on `host:port` with `username`/`password`: first unauthenticated to learn
 * the realm and nonce (the 401 every TURN server answers), then with the long-term credential.
 */
export async function allocate(
  host: string,
  port: number,
  username: string,
  password: string,
  timeoutMs = 3000,
): Promise<AllocateResult> {
  const socket = createSocket('udp4')
  const transport = attribute(ATTR.transport, Buffer.from([17, 0, 0, 0]))
  const exchange = (msg: Buffer) =>
    new Promise<{ type: number; attrs: Map<number, Buffer> }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from TURN ${host}:${port}`)), timeoutMs)
      socket.once('message', (buf) => {
        clearTimeout(timer)
        resolve(parse(buf))
      })
      socket.send(msg, port, host)
    })
  try {
    const challenge = await exchange(message(ALLOCATE, randomBytes(12), [transport]))
    const realm = challenge.attrs.get(ATTR.realm)
    const nonce = challenge.attrs.get(ATTR.nonce)
    if (!realm || !nonce) return { ok: false, ...errorOf(challenge.attrs) }
    const key = createHash('md5')
      .update(`${username}:${realm.toString('utf8')}:${password}`)
      .digest()
    const attrs = [
      transport,
      attribute(ATTR.username, Buffer.from(username)),
      attribute(ATTR.realm, realm),
      attribute(ATTR.nonce, nonce),
    ]
    const answer = await exchange(message(ALLOCATE, randomBytes(12), attrs, key))
    if (answer.type === 0x0103) {
      const relayed = answer.attrs.get(ATTR.relayed)
      return { ok: true, relayed: relayed ? xorAddress(relayed) : '' }
    }
    return { ok: false, ...errorOf(answer.attrs) }
  } finally {
    socket.close()
  }
}
