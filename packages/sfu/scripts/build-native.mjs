// Builds native/fast-send.c into build/fast-send.node with the machine's C compiler and the
// headers of the Node.js that runs this (Node-API and Node's own OpenSSL; the node binary exports
// both, so nothing is linked and nothing is downloaded). Without a compiler or headers the SFU
// forwards through JavaScript, so this warns and does not fail. `bench-receive` is the bench
// clients' receive path (bench/native/bench-receive.c), built only for `npm run bench`.
//
//   node scripts/build-native.mjs [fast-send] [bench-receive]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
// `includes`: the files a target's source includes, so that a change to one rebuilds it too.
const targets = {
  'fast-send': {
    source: 'native/fast-send.c',
    includes: ['native/srtp-gcm.h'],
    flags: [],
    without: 'the SFU will forward through JavaScript',
  },
  'bench-receive': {
    source: 'bench/native/bench-receive.c',
    includes: ['native/srtp-gcm.h'],
    flags: ['-pthread'],
    without: 'the bench clients will receive through JavaScript',
  },
}

/**
 * Headers of the Node that runs the SFU: the `node` devDependency's platform package (its binary is
 * hard-linked into `node_modules/node/bin`, so `execPath` does not lead there), else the prefix of
 * the running Node (official builds), else the system's (Debian's nodejs).
 */
function nodeHeaders() {
  const candidates = []
  for (let dir = packageDir; dir !== dirname(dir); dir = dirname(dir)) {
    candidates.push(join(dir, `node_modules/node/node_modules/node-${process.platform}-${process.arch}/include/node`))
  }
  candidates.push(resolve(dirname(process.execPath), '../include/node'), '/usr/include/node')
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')) && existsSync(join(dir, 'openssl/evp.h')))
}

export function buildNative({ quiet = false, target = 'fast-send' } = {}) {
  const say = quiet ? () => {} : (line) => console.log(`build-native: ${line}`)
  const source = join(packageDir, targets[target].source)
  const output = join(packageDir, `build/${target}.node`)
  const stamp = `${output}.built-with`
  const headers = nodeHeaders()
  if (!headers) {
    console.warn(`build-native: no Node.js headers with OpenSSL found; ${targets[target].without}`)
    return false
  }
  const compiler = process.env.CC || 'cc'
  const args = [
    '-O2',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-shared',
    '-fPIC',
    '-fvisibility=hidden',
    ...targets[target].flags,
    `-I${headers}`,
    source,
    '-o',
    output,
  ]
  const recipe = JSON.stringify({ compiler, args, node: process.version })
  say(`headers ${headers}`)
  if (
    existsSync(output) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === recipe &&
    [source, ...targets[target].includes.map((file) => join(packageDir, file))].every(
      (file) => statSync(output).mtimeMs >= statSync(file).mtimeMs,
    )
  ) {
    say('up to date')
    return true
  }
  mkdirSync(dirname(output), { recursive: true })
  const result = spawnSync(compiler, args, { stdio: 'inherit' })
  if (result.error || result.status !== 0) {
    console.warn(
      `build-native: ${compiler} failed (${result.error?.message ?? `exit ${result.status}`}); ${targets[target].without}`,
    )
    return false
  }
  writeFileSync(stamp, recipe)
  say(`built ${output}`)
  return true
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const target of process.argv.length > 2 ? process.argv.slice(2) : ['fast-send']) {
    if (!(target in targets)) throw new Error(`build-native: no target ${target} (${Object.keys(targets).join(', ')})`)
    buildNative({ target })
  }
}
