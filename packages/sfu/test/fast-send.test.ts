import { randomBytes } from 'node:crypto'
import { createSocket, type Socket } from 'node:dgram'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { ProtectionProfileAeadAes128Gcm, RtpHeader, RtpPacket, SrtpSession } from 'werift'
import { loadFastSend, socketFd, type FastSend } from '../src/media/fast-send.ts'
import { GCM_TAG_BYTES } from '../src/media/srtp-gcm.ts'

// The test command builds the addon (turbo: the SFU's tests depend on its build), so a missing or
// broken addon fails here rather than passing quietly on the JavaScript path.
const loaded = loadFastSend()
const fast = loaded.fastSend as FastSend

/** werift's SRTP sessions keyed as a DTLS handshake would: the reference sealer and the far end. */
function srtpPair() {
  const [a, b, saltA, saltB] = [randomBytes(16), randomBytes(16), randomBytes(12), randomBytes(12)]
  const keys = (key: Buffer, salt: Buffer, peerKey: Buffer, peerSalt: Buffer) => ({
    keys: { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: peerKey, remoteMasterSalt: peerSalt },
    profile: ProtectionProfileAeadAes128Gcm,
  })
  const sender = new SrtpSession(keys(a, saltA, b, saltB))
  const context = (
    sender as unknown as { localContext: { cipher: { srtpSessionKey: Buffer; srtpSessionSalt: Buffer } } }
  ).localContext
  return {
    reference: sender,
    receiver: new SrtpSession(keys(b, saltB, a, saltA)),
    key: context.cipher.srtpSessionKey,
    salt: context.cipher.srtpSessionSalt,
  }
}

const sockets: Socket[] = []
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close()
})
async function boundSocket(): Promise<Socket> {
  const socket = createSocket('udp4')
  sockets.push(socket)
  socket.bind(0, '127.0.0.1')
  await once(socket, 'listening')
  return socket
}

describe('native seal-and-send', () => {
  it('is built by the test command and loads', () => {
    expect('reason' in loaded ? loaded.reason : 'loaded').toBe('loaded')
  })

  it('seals SRTP (AES-GCM) byte-identical to werift, ROC and all, re-using one context', () => {
    const { reference, receiver, key, salt } = srtpPair()
    // werift derives a 14-byte salt; RFC 7714 uses its first 12 bytes.
    expect(salt.length).toBe(14)
    const gcm = fast.gcm(key, salt)
    const ssrc = 0x8badf00d
    for (const [seq, roc, size] of [
      [65535, 0, 1040],
      [0, 1, 120],
      [1, 1, 0],
      [4242, 7, 1200],
    ] as const) {
      const header = new RtpHeader({
        marker: seq % 2 === 1,
        payloadType: 96,
        sequenceNumber: seq,
        timestamp: 9000,
        ssrc,
      })
      const headerBytes = header.serialize(header.serializeSize)
      const payload = randomBytes(size)
      // werift's own encrypt keeps the ROC itself: walk its state to the same counter.
      const state = (
        reference as unknown as { localContext: { getSrtpSsrcState(s: number): { rolloverCounter: number } } }
      ).localContext.getSrtpSsrcState(ssrc)
      state.rolloverCounter = roc
      ;(state as { rolloverHasProcessed?: boolean }).rolloverHasProcessed = false
      const expected = reference.encrypt(payload, header)
      const sealed = fast.seal(gcm, headerBytes, headerBytes.length, payload, ssrc, roc, seq)
      expect(sealed.toString('hex')).toBe(expected.toString('hex'))
      expect(sealed.length).toBe(headerBytes.length + size + GCM_TAG_BYTES)
      if (roc === 0) expect(RtpPacket.deSerialize(receiver.decrypt(sealed)).payload.equals(payload)).toBe(true)
    }
  })

  it('opens in place what werift seals, and refuses a packet that does not authenticate', () => {
    const { reference, key, salt } = srtpPair()
    const gcm = fast.gcm(key, salt)
    const ssrc = 1234
    const state = (
      reference as unknown as { localContext: { getSrtpSsrcState(s: number): { rolloverCounter: number } } }
    ).localContext.getSrtpSsrcState(ssrc)
    state.rolloverCounter = 3
    ;(state as { rolloverHasProcessed?: boolean }).rolloverHasProcessed = false
    const header = new RtpHeader({ payloadType: 96, sequenceNumber: 77, timestamp: 1, ssrc })
    const payload = randomBytes(900)
    const sealed = reference.encrypt(payload, header)
    const packet = Buffer.from(sealed)
    const length = fast.open(gcm, packet, header.serializeSize, ssrc, 3, 77)
    expect(length).toBe(sealed.length - GCM_TAG_BYTES)
    expect(packet.subarray(header.serializeSize, length).equals(payload)).toBe(true)
    expect(packet.subarray(0, header.serializeSize).equals(sealed.subarray(0, header.serializeSize))).toBe(true)

    const flipped = Buffer.from(sealed)
    flipped[header.serializeSize + 10]! ^= 1
    expect(fast.open(gcm, flipped, header.serializeSize, ssrc, 3, 77)).toBe(-1)
    // The rollover counter is in the IV: the wrong one does not authenticate either.
    expect(fast.open(gcm, Buffer.from(sealed), header.serializeSize, ssrc, 2, 77)).toBe(-1)
    // The header is authenticated too.
    const header2 = Buffer.from(sealed)
    header2[1]! ^= 0x01
    expect(fast.open(gcm, header2, header.serializeSize, ssrc, 3, 77)).toBe(-1)
    expect(() => fast.open(gcm, Buffer.alloc(20), 12, ssrc, 3, 77)).toThrow(TypeError)
  })

  it('sends the sealed packet from the given socket to the given address', async () => {
    const { reference, key, salt } = srtpPair()
    const [from, to] = [await boundSocket(), await boundSocket()]
    const fd = socketFd(from)
    expect(fd).toBeTypeOf('number')
    const header = new RtpHeader({ payloadType: 111, sequenceNumber: 10, timestamp: 960, ssrc: 7 })
    const headerBytes = header.serialize(header.serializeSize)
    const payload = randomBytes(120)
    const arrived = once(to, 'message') as Promise<[Buffer, { port: number }]>
    const sent = fast.sealSend(
      fast.gcm(key, salt),
      headerBytes,
      headerBytes.length,
      payload,
      7,
      0,
      10,
      fd!,
      fast.socketAddress('127.0.0.1', to.address().port),
    )
    expect(sent).toBe(headerBytes.length + payload.length + GCM_TAG_BYTES)
    const [message, from_] = await arrived
    // The peer sees the session's own port, the 5-tuple ICE nominated.
    expect(from_.port).toBe(from.address().port)
    expect(message.toString('hex')).toBe(reference.encrypt(payload, header).toString('hex'))
  })

  it('answers a send that fails with −errno instead of throwing', async () => {
    const socket = await boundSocket()
    const fd = socketFd(socket)!
    const header = Buffer.alloc(12)
    // Port 0 is no destination: the kernel refuses the send (EINVAL).
    const result = fast.sealSend(
      fast.gcm(randomBytes(16), randomBytes(14)),
      header,
      12,
      Buffer.alloc(10),
      1,
      0,
      1,
      fd,
      fast.socketAddress('127.0.0.1', 0),
    )
    expect(result).toBeLessThan(0)
  })

  it('refuses bad arguments with a TypeError', () => {
    const gcm = fast.gcm(randomBytes(16), randomBytes(12))
    expect(() => fast.gcm(randomBytes(15), randomBytes(12))).toThrow(TypeError)
    expect(() => fast.gcm(randomBytes(16), randomBytes(11))).toThrow(TypeError)
    // A header length beyond the header buffer, and a packet over the addon's 2048-byte bound.
    expect(() => fast.seal(gcm, Buffer.alloc(12), 13, Buffer.alloc(1), 1, 0, 1)).toThrow(TypeError)
    expect(() => fast.seal(gcm, Buffer.alloc(12), 12, Buffer.alloc(2048), 1, 0, 1)).toThrow(TypeError)
    expect(() => fast.socketAddress('not an address', 1)).toThrow(TypeError)
    expect(() => fast.socketAddress('127.0.0.1', 70000)).toThrow(TypeError)
    expect(fast.socketAddress('::1', 5).length).toBe(28)
  })

  it('finds no descriptor once the socket is closed', async () => {
    const socket = createSocket('udp4')
    socket.bind(0, '127.0.0.1')
    await once(socket, 'listening')
    expect(socketFd(socket)).toBeTypeOf('number')
    socket.close()
    expect(socketFd(socket)).toBeUndefined()
  })
})
