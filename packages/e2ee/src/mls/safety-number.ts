// The epoch authenticator (RFC 9420 §8.7) is a secret every member of one epoch shares and that
// changes with every commit; people read it aloud to check nobody sits in the middle. Six groups
// of five digits, as Signal's safety numbers, are short enough to compare and still carry ~99 bits.
const GROUPS = 6
const BYTES_PER_GROUP = 5

export function safetyNumber(epochAuthenticator: Uint8Array): string {
  if (epochAuthenticator.length < GROUPS * BYTES_PER_GROUP) throw new Error('epoch authenticator too short')
  const groups: string[] = []
  for (let g = 0; g < GROUPS; g++) {
    let value = 0
    for (let i = 0; i < BYTES_PER_GROUP; i++) value = value * 256 + epochAuthenticator[g * BYTES_PER_GROUP + i]!
    groups.push(String(value % 100000).padStart(5, '0'))
  }
  return groups.join(' ')
}
