declare namespace Cloudflare {
  interface Env {
    /** The test directory's token (optional when deployed, so not in the generated type). */
    USER_DIRECTORY_TOKEN: string
    /** The test JWKS server's private key, to sign Access tokens the way Access would. */
    TEST_PRIVATE_JWK: string
    /** The media Worker again, with a Calls API that never answers (vitest.config.ts): a slow service. */
    STALLED_MEDIA: Fetcher
    /** The gateway's limiters again with a limit of 5 a minute (vitest.config.ts), for the flood tests. */
    SMALL_API_RATE_LIMITER: RateLimit
    SMALL_ADDRESS_RATE_LIMITER: RateLimit
    SMALL_OPS_RATE_LIMITER: RateLimit
  }
}
