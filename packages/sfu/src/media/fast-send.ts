import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

/** An AES-128-GCM context keyed once with an SRTP session key (the addon's own object). */
export type GcmContext = { readonly __gcm: unique symbol }

/** What sealing one packet takes: the key's context, the header (its first `headerLength` bytes, the AAD), the payload, and the IV's fields. */
type SealArgs = [
  gcm: GcmContext,
  header: Buffer,
  headerLength: number,
  payload: Uint8Array,
  ssrc: number,
  roc: number,
  seq: number,
]

/**
 * `native/fast-send.c`: SRTP AEAD_AES_128_GCM sealing with one cipher context per key, and the
 * sealed packet's `sendto(2)` on the session's socket — a forwarded copy's two costs below
 * JavaScript (a new Node `Cipheriv` per packet, a `dgram` send per copy).
 */
export interface FastSend {
  gcm(sessionKey: Buffer, sessionSalt: Buffer): GcmContext
  /** RFC 7714 §8: header as AAD, then ciphertext and tag; the sealed packet in a new buffer. */
  seal(...args: SealArgs): Buffer
  /** Seals as `seal` and sends it from `fd` to `address`: the bytes sent, or −errno (the copy is lost). */
  sealSend(...args: [...SealArgs, fd: number, address: Buffer]): number
  /**
   * Opens a received packet in place (RFC 7714 §8): the length of header and plaintext now at the
   * start of `packet`, or −1 when it does not authenticate.
   */
  open(gcm: GcmContext, packet: Buffer, headerLength: number, ssrc: number, roc: number, seq: number): number
  /** A socket address (sockaddr_in or sockaddr_in6) for `sealSend`, made once per destination. */
  socketAddress(ip: string, port: number): Buffer
}

/** The largest sealed packet the addon takes (its `MAX_PACKET`): more than a datagram on any path browsers use. */
export const FAST_SEND_MAX_PACKET = 2048

/** Where `scripts/build-native.mjs` puts the addon. */
export const FAST_SEND_PATH = fileURLToPath(new URL('../../build/fast-send.node', import.meta.url))

/**
 * The addon, or why it is not used: the SFU forwards through its JavaScript path without it (a
 * machine without a C compiler, or `SFU_FAST_SEND=off`).
 */
export function loadFastSend(path = FAST_SEND_PATH): { fastSend: FastSend } | { fastSend: undefined; reason: string } {
  if (!existsSync(path)) return { fastSend: undefined, reason: `${path} is not built (npm run build -w packages/sfu)` }
  try {
    return { fastSend: createRequire(import.meta.url)(path) as FastSend }
  } catch (error) {
    return { fastSend: undefined, reason: `${path} did not load: ${(error as Error).message}` }
  }
}

/**
 * The internal handle of a `dgram` socket. Node has no public accessor; its socket keeps the
 * handle under an internal symbol (`lib/internal/dgram.js` `kStateSymbol`, there since Node 10),
 * read here rather than through `socket._handle`, whose getter prints a deprecation. `undefined`
 * once the socket is closed (Node drops the handle when it closes the descriptor).
 */
export function socketHandle(socket: object): { fd?: number; recvStop(): number } | undefined {
  const key =
    stateKey ?? (stateKey = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol'))
  if (!key) return undefined
  return (
    (socket as Record<symbol, { handle?: { fd?: number; recvStop(): number } | null } | undefined>)[key]?.handle ??
    undefined
  )
}
let stateKey: symbol | undefined

/** The descriptor of a `dgram` socket, for `sealSend`; `undefined` once it is closed. */
export function socketFd(socket: object): number | undefined {
  const fd = socketHandle(socket)?.fd
  return typeof fd === 'number' && fd >= 0 ? fd : undefined
}
