import { encodeIdentity, IDENTITY_HEADER, type Identity } from '@tangerine/contracts'
import { encodeOperator, OPERATOR_HEADER, type Operator } from '@tangerine/contracts/ops/operator'

/**
 * A request to pass through a binding: the identity and operator headers are the gateway's alone,
 * so whatever a client sent under those names is dropped, and the gateway's own are set when
 * there are some. The operator header goes only to `/api/ops/*` routes (`operator` is passed there).
 */
export function forwardRequest(
  request: Request,
  who: Identity | undefined,
  url: string | URL = request.url,
  operator?: Operator,
): Request {
  const forwarded = new Request(url, request)
  forwarded.headers.delete(IDENTITY_HEADER)
  forwarded.headers.delete(OPERATOR_HEADER)
  if (who) forwarded.headers.set(IDENTITY_HEADER, encodeIdentity(who))
  if (operator) forwarded.headers.set(OPERATOR_HEADER, encodeOperator(operator))
  return forwarded
}
