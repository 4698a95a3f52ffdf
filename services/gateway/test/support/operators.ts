/** The gateway's operator secret in the tests (vitest.config.ts binds it as ADMIN_TOKEN). */
export const OPERATOR_TOKEN = 'gateway-test-operator-token'

/** An Access email in the test OPERATOR_EMAILS. */
export const OPERATOR_EMAIL = 'grace.ops@example.com'
