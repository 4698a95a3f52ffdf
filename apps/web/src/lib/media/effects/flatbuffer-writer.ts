/**
 * A flatbuffer writer for small, fresh trees: nodes are laid out parent first, so every offset
 * points forward (as flatbuffers requires), and a field may also point at a position already
 * known in the output (`{ at }`), which is how a new table refers to data it leaves in place.
 * Every scalar takes a 4-byte slot: larger than needed for a byte, and still what the readers accept.
 */
export type Scalar = { u8: number } | { u32: number }
export type Target = Node | { at: number }
export type Field = Scalar | { ref: Target } | undefined
export type Node = { table: Field[] } | { offsets: Target[] } | { floats: number[] } | { string: string }

const align4 = (n: number) => (n + 3) & ~3

function sizeOf(node: Node): number {
  if ('table' in node) return align4(4 + 2 * node.table.length) + 4 + 4 * node.table.filter(Boolean).length
  if ('offsets' in node) return 4 + 4 * node.offsets.length
  if ('floats' in node) return 4 + 4 * node.floats.length
  return align4(4 + new TextEncoder().encode(node.string).length + 1)
}

function children(node: Node): Node[] {
  const targets =
    'table' in node
      ? node.table.flatMap((f) => (f && 'ref' in f ? [f.ref] : []))
      : 'offsets' in node
        ? node.offsets
        : []
  return targets.filter((t): t is Node => !('at' in t))
}

/** Where each node of the tree goes, from `start` on, parents before their children. */
function place(root: Node, start: number): { order: Node[]; at: Map<Node, number>; end: number } {
  const order: Node[] = []
  const visit = (node: Node) => {
    order.push(node)
    children(node).forEach(visit)
  }
  visit(root)
  const at = new Map<Node, number>()
  let pos = start
  for (const node of order) {
    // A table's position is the table itself, after its vtable.
    at.set(node, 'table' in node ? pos + align4(4 + 2 * node.table.length) : pos)
    pos += sizeOf(node)
  }
  return { order, at, end: pos }
}

/** Bytes the tree takes when written from a 4-aligned position. */
export function treeSize(root: Node): number {
  return place(root, 0).end
}

/** Writes the tree into `out` from `start` (4-aligned); returns the root's position. */
export function writeTree(out: DataView, root: Node, start: number): number {
  const { order, at } = place(root, start)
  const position = (t: Target) => ('at' in t ? t.at : at.get(t)!)
  const offsetAt = (pos: number, target: Target) => {
    const delta = position(target) - pos
    if (delta <= 0) throw new Error('flatbuffer offsets must point forward')
    out.setUint32(pos, delta, true)
  }
  for (const node of order) {
    const pos = at.get(node)!
    if ('table' in node) {
      const vtable = pos - align4(4 + 2 * node.table.length)
      const present = node.table.filter(Boolean).length
      out.setUint16(vtable, 4 + 2 * node.table.length, true)
      out.setUint16(vtable + 2, 4 + 4 * present, true)
      out.setInt32(pos, pos - vtable, true)
      let slot = 0
      node.table.forEach((field, i) => {
        if (!field) return out.setUint16(vtable + 4 + 2 * i, 0, true)
        const fieldPos = pos + 4 + 4 * slot
        out.setUint16(vtable + 4 + 2 * i, 4 + 4 * slot++, true)
        if ('u8' in field) out.setUint8(fieldPos, field.u8)
        else if ('u32' in field) out.setUint32(fieldPos, field.u32, true)
        else offsetAt(fieldPos, field.ref)
      })
    } else if ('offsets' in node) {
      out.setUint32(pos, node.offsets.length, true)
      node.offsets.forEach((t, i) => offsetAt(pos + 4 + 4 * i, t))
    } else if ('floats' in node) {
      out.setUint32(pos, node.floats.length, true)
      node.floats.forEach((f, i) => out.setFloat32(pos + 4 + 4 * i, f, true))
    } else {
      const bytes = new TextEncoder().encode(node.string)
      out.setUint32(pos, bytes.length, true)
      new Uint8Array(out.buffer, out.byteOffset + pos + 4, bytes.length).set(bytes)
    }
  }
  return at.get(root)!
}

/** A whole flatbuffer: root offset, 4-byte file identifier, the tree. */
export function buildBuffer(identifier: string, root: Node): Uint8Array {
  const bytes = new Uint8Array(8 + treeSize(root))
  const view = new DataView(bytes.buffer)
  const rootAt = writeTree(view, root, 8)
  view.setUint32(0, rootAt, true)
  bytes.set(new TextEncoder().encode(identifier), 4)
  return bytes
}
