/** werift's SRTP state of one SSRC (werift 0.25): the highest sequence number sent and its rollover counter. */
export interface SrtpSsrcState {
  rolloverCounter: number
  lastSequenceNumber: number
  rolloverHasProcessed?: boolean
}

/** werift's SRTP context of one direction of one DTLS transport, as far as sealing RTP goes. */
export interface SrtpSealingContext {
  getSrtpSsrcState(ssrc: number): SrtpSsrcState
  cipher: { encryptRtp(header: RtpHeaderFields, payload: Buffer, rolloverCounter: number): Buffer }
  encryptRtp(payload: Buffer, header: RtpHeaderFields): Buffer
}
interface RtpHeaderFields {
  ssrc: number
  sequenceNumber: number
}

/**
 * The rollover counter to seal packet `seq` with (RFC 3711 §3.3.1, from the sender's side). A
 * packet ahead of the highest sent (in 16-bit serial order) advances the state, counting a wrap;
 * one behind it is a retransmission, sealed with the counter of its own time — one less when it
 * came before the last wrap — and the state stays as it is.
 *
 * werift's `updateRolloverCount` takes every packet for the newest, within 100 packets of a wrap:
 * a NACK answered later than that for packets on both sides of a wrap (packet 0 alone does it)
 * moved the counter up for every packet after it, and the puller could open none of them again
 * (the bench's clients found streams that failed to authenticate from then on).
 */
export function rolloverFor(state: SrtpSsrcState, seq: number): number {
  if (!state.rolloverHasProcessed) {
    state.rolloverHasProcessed = true
    state.lastSequenceNumber = seq
    return state.rolloverCounter
  }
  const highest = state.lastSequenceNumber
  const ahead = (seq - highest) & 0xffff
  if (ahead !== 0 && ahead < 0x8000) {
    if (seq < highest) state.rolloverCounter = (state.rolloverCounter + 1) >>> 0
    state.lastSequenceNumber = seq
    return state.rolloverCounter
  }
  return seq > highest && state.rolloverCounter > 0 ? state.rolloverCounter - 1 : state.rolloverCounter
}

const sealing = new WeakSet<SrtpSealingContext>()

/**
 * Makes werift seal every RTP packet of `context` with `rolloverFor`: its own sends and its
 * answers to NACKs (`RTCRtpSender` resends from its history through this context).
 */
export function sealWithRolloverFor(context: SrtpSealingContext): void {
  if (sealing.has(context)) return
  sealing.add(context)
  context.encryptRtp = (payload, header) =>
    context.cipher.encryptRtp(
      header,
      payload,
      rolloverFor(context.getSrtpSsrcState(header.ssrc), header.sequenceNumber),
    )
}
