// What turn-probe-setup.ts provides to tests (`inject('turnProbe')`).
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A real TURN client on loopback: `POST {turnProbe}/allocate {host, port, username, password}`. */
    turnProbe: string
  }
}
