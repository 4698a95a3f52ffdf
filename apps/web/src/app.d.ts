import type { SystemHealth } from '@tangerine/contracts/health'

declare global {
  namespace App {
    interface Error {
      message: string
    }
    interface Platform {
      env: WebEnv
      ctx: ExecutionContext
      caches: CacheStorage
      cf?: IncomingRequestCfProperties
    }
    interface PageData {
      health?: SystemHealth
    }
  }
}

export {}
