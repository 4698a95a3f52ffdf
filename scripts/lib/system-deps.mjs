import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/** Debian packages the commands need, by the file that shows each is installed. */
export const systemPackages = {
  chromium: '/usr/bin/chromium',
  coturn: '/usr/bin/turnserver',
  // The C compiler and libc headers the SFU's native seal-and-send is built with (packages/sfu/native).
  gcc: '/usr/bin/gcc',
  'libc6-dev': '/usr/include/arpa/inet.h',
}

/**
 * Installs missing Debian packages through apt when running as root; otherwise stops with the
 * one line that installs them.
 */
export function ensureSystemPackages(names) {
  const missing = names.filter((name) => !existsSync(systemPackages[name]))
  if (missing.length === 0) return
  const install = `apt-get install -y ${missing.join(' ')}`
  if (process.getuid?.() !== 0) {
    console.error(`Missing system packages: run \`sudo apt-get update && sudo ${install}\``)
    process.exit(1)
  }
  console.log(`Installing ${missing.join(', ')} with apt…`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  const result = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  })
  if (result.status !== 0) {
    console.error(`apt-get failed installing ${missing.join(' ')}`)
    process.exit(result.status ?? 1)
  }
}
