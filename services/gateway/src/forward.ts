import { encodeIdentity, IDENTITY_HEADER, type Identity } from '@tangerine/contracts'

/**
 * A request to pass through a binding: the identity header is the gateway's alone, so whatever a
 * client sent under that name is dropped, and the gateway's own is set when there is one.
 */
export function forwardRequest(request: Request, who: Identity | undefined, url: string | URL = request.url): Request {
  const forwarded = new Request(url, request)
  forwarded.headers.delete(IDENTITY_HEADER)
  if (who) forwarded.headers.set(IDENTITY_HEADER, encodeIdentity(who))
  return forwarded
}
