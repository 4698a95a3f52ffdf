import { SrtpAuthenticationError } from 'werift'
import type { FastSend, GcmContext } from './fast-send.ts'
import { GCM_TAG_BYTES, PROFILE_AEAD_AES_128_GCM } from './srtp-gcm.ts'

/** The parts of a header werift's `parseSrtpRtpHeader` gives that opening a packet needs. */
interface ParsedHeader {
  ssrc: number
  sequenceNumber: number
  payloadOffset: number
  padding: boolean
  paddingSize: number
}
/** werift's `CipherAesGcm` of a remote SRTP context (werift 0.25). */
interface GcmCipher {
  srtpSessionKey: Buffer
  srtpSessionSalt: Buffer
  decryptRtp(cipherText: Buffer, rolloverCounter: number, header?: ParsedHeader): [Buffer, ParsedHeader]
}
interface DtlsTransport {
  srtp?: { remoteContext?: { profile: number; cipher: GcmCipher } } | undefined
}

const opened = new WeakSet<GcmCipher>()

/**
 * Opens the SRTP packets `transport` receives with the addon: werift makes a Node `Decipheriv`
 * and a new buffer per packet; the addon re-uses one context per key and decrypts in the
 * datagram's own buffer. werift keeps the rest: header parsing, the rollover counter, what it
 * does with a packet that fails to authenticate (the same error, so it drops it as before).
 * A no-op until the transport has SRTP keys, for other profiles, and for a context already done.
 */
export function openSrtpWith(fast: FastSend, transport: DtlsTransport): void {
  const context = transport.srtp?.remoteContext
  if (!context || context.profile !== PROFILE_AEAD_AES_128_GCM || opened.has(context.cipher)) return
  const cipher = context.cipher
  opened.add(cipher)
  const gcm = fast.gcm(cipher.srtpSessionKey, cipher.srtpSessionSalt)
  const werifts = cipher.decryptRtp.bind(cipher)
  cipher.decryptRtp = (cipherText, rolloverCounter, header) =>
    header ? open(fast, gcm, cipherText, rolloverCounter, header) : werifts(cipherText, rolloverCounter)
}

function open(
  fast: FastSend,
  gcm: GcmContext,
  cipherText: Buffer,
  rolloverCounter: number,
  header: ParsedHeader,
): [Buffer, ParsedHeader] {
  const offset = header.payloadOffset
  const length =
    cipherText.length >= offset + GCM_TAG_BYTES
      ? fast.open(gcm, cipherText, offset, header.ssrc, rolloverCounter, header.sequenceNumber)
      : -1
  if (length < 0) throw new SrtpAuthenticationError('Failed to authenticate SRTP packet')
  const packet = cipherText.subarray(0, length)
  // werift's finalizeSrtpRtpHeader: the padding count, checked once the packet is authentic.
  if (!header.padding) {
    header.paddingSize = 0
  } else {
    const paddingSize = length > offset ? packet[length - 1]! : 0
    if (paddingSize === 0 || paddingSize > length - offset) {
      throw new SrtpAuthenticationError('Failed to authenticate SRTP packet')
    }
    header.paddingSize = paddingSize
  }
  return [packet, header]
}
