/**
 * @module
 * Who is an operator, as the gateway decided it. The gateway is the only place that checks the
 * operator secret or the OPERATOR_EMAILS list; services behind it read OPERATOR_HEADER, which the
 * gateway drops from every request it forwards and sets only for an operator — the same way it
 * passes the caller's identity (`identity.ts`), and as unforgeable: services have no public URL.
 */
import * as z from 'zod'
import { problem, problemTypes } from '../errors.ts'

export const OPERATOR_HEADER = 'x-tangerine-operator'

/** An operator: by their Access email (in OPERATOR_EMAILS), or by the operator token (ADMIN_TOKEN). */
export const Operator = z.object({
  via: z.enum(['access', 'token']),
  email: z.email().optional(),
})
export type Operator = z.infer<typeof Operator>

/** Who did an operator's action, for the log: their email, or "token" for the shared secret. */
export const operatorName = (operator: Operator) => operator.email ?? 'token'

export function encodeOperator(operator: Operator): string {
  return btoa(JSON.stringify(Operator.parse(operator)))
}

export function decodeOperator(header: string | null | undefined): Operator | undefined {
  if (!header) return undefined
  try {
    const parsed = Operator.safeParse(JSON.parse(atob(header)))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

/** 403 for anyone the gateway did not mark as an operator: one answer, whatever else they are. */
export const forbiddenToOutsiders = () =>
  problem(403, 'Operators only', {
    type: problemTypes.forbidden,
    detail: 'Sign in as an operator (POST /api/ops/session, or an Access identity in OPERATOR_EMAILS)',
  })
