// Issue #15's rekey figure: CPU for the MLS work of one join and one leave in groups of 2, 5 and
// 10, split as it falls on separate machines (each member's worker does its part in parallel):
// the committer's commit, one other member processing it, the joiner's Welcome. The room's relay
// and the network are not in it; the browser e2e bench adds them.
import { GroupMember } from '../src/mls/member.ts'

const RUNS = 5
const SIZES = [2, 5, 10]

async function group(size: number): Promise<GroupMember[]> {
  const members = await Promise.all(Array.from({ length: size }, (_, i) => GroupMember.create(`m${i}`)))
  const [founder, ...others] = members
  await founder!.startGroup('bench')
  if (others.length === 0) return members
  // The founder adds everyone at once: no one else needs this commit.
  const { epoch, welcome } = await founder!.add(others.map((o) => o.keyPackage))
  founder!.commitAccepted(epoch)
  for (const o of others) await o.join(welcome!)
  return members
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now()
  const value = await f()
  return [value, performance.now() - start]
}

async function run(size: number) {
  const members = await group(size)
  const [committer, witness] = [members[0]!, members[1]!]
  const joiner = await GroupMember.create('joiner')
  // Join: the group grows to size + 1.
  const [add, commitJoin] = await timed(() => committer.add([joiner.keyPackage]))
  committer.commitAccepted(add.epoch)
  const [, processJoin] = await timed(() => witness.processCommit(add.commit))
  const [, welcome] = await timed(() => joiner.join(add.welcome!))
  for (const m of members.slice(2)) await m.processCommit(add.commit)
  // Leave: back to size.
  const [remove, commitLeave] = await timed(() => committer.remove(['joiner']))
  committer.commitAccepted(remove.epoch)
  const [, processLeave] = await timed(() => witness.processCommit(remove.commit))
  return { commitJoin, processJoin, welcome, commitLeave, processLeave }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

await run(2)
for (const size of SIZES) {
  const runs: Awaited<ReturnType<typeof run>>[] = []
  for (let r = 0; r < RUNS; r++) runs.push(await run(size))
  const m = (k: keyof (typeof runs)[number]) => median(runs.map((r) => r[k])).toFixed(1)
  console.log(
    `${size} members: join — commit ${m('commitJoin')} ms, each member processes ${m('processJoin')} ms, ` +
      `joiner's Welcome ${m('welcome')} ms; leave — commit ${m('commitLeave')} ms, each member processes ` +
      `${m('processLeave')} ms (median of ${RUNS})`,
  )
}
