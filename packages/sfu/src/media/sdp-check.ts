import { invalidSdp } from '../errors.ts'

/**
 * Rejects SDP that cannot be a WebRTC description before it reaches the peer
 * connection, so a malformed request leaves the session exactly as it was.
 */
export function assertPlausibleSdp(sdp: string): void {
  const lines = sdp.split(/\r?\n/).filter((line) => line.length > 0)
  if (lines[0] !== 'v=0') throw invalidSdp('SDP must start with "v=0"')
  for (const line of lines) {
    if (!/^[a-z]=/.test(line)) throw invalidSdp(`Malformed SDP line: "${line.slice(0, 60)}"`)
  }
  for (const field of ['o=', 's=', 't=']) {
    if (!lines.some((line) => line.startsWith(field))) throw invalidSdp(`SDP lacks its "${field}" line`)
  }
  const media = lines.filter((line) => line.startsWith('m='))
  for (const line of media) {
    if (!/^m=(audio|video|application) \d+ [A-Z/]+( \S+)+$/.test(line)) {
      throw invalidSdp(`Malformed media line: "${line.slice(0, 60)}"`)
    }
  }
  // Sections with port 0 are rejected or stopped and carry no transport; a description
  // where every section is stopped (the last track closed) needs no ICE or DTLS lines.
  if (media.some((line) => !/^m=\S+ 0 /.test(line))) {
    const has = (prefix: string) => lines.some((line) => line.startsWith(prefix))
    if (!has('a=ice-ufrag:') || !has('a=ice-pwd:')) throw invalidSdp('SDP lacks ICE credentials')
    if (!has('a=fingerprint:')) throw invalidSdp('SDP lacks a DTLS fingerprint')
    if (media.length > 1 && lines.filter((line) => line.startsWith('a=mid:')).length < media.length) {
      throw invalidSdp('Every media section needs an a=mid')
    }
  }
}

/**
 * Calls documents `thirdparty=true` as "the session will connect to an ICE-lite peer, such as
 * another SFU or a server like OpenAI" (OpenAPI: "Session is intended to connect to an ICE-lite
 * peer like a third party SFU/server"). Outside such a session Calls is itself ICE-lite, and two
 * ICE-lite agents never send each other a connectivity check (RFC 8445 §2.5), so an ICE-lite peer
 * in an ordinary session would never connect at Calls. werift is a full agent and would connect
 * anyway; refusing here keeps the local SFU from accepting what Calls cannot do.
 */
export function assertIcePeerFits(sdp: string, thirdparty: boolean): void {
  if (thirdparty || !/^a=ice-lite\r?$/m.test(sdp)) return
  throw invalidSdp(
    'The peer is ICE-lite: only a third-party session (sessions/new?thirdparty=true) connects to an ICE-lite peer',
  )
}

/** The m-section count, used to check an answer lines up with the offer it answers. */
export function mediaSectionCount(sdp: string): number {
  return sdp.split(/\r?\n/).filter((line) => line.startsWith('m=')).length
}
