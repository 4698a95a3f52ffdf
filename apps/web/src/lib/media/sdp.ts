/**
 * The mid that tags a session description's BUNDLE group (RFC 8843): the first one listed, whose
 * m-section's transport every other bundled m-section shares.
 */
export function bundleTag(sdp: string | undefined): string | undefined {
  return sdp && /^a=group:BUNDLE +(\S+)/m.exec(sdp)?.[1]
}
