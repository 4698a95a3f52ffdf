import { buildBuffer, treeSize, writeTree, type Field, type Node } from './flatbuffer-writer.ts'

/**
 * Gives a TFLite image model the input metadata MediaPipe Tasks needs. The selfie segmentation
 * model that npm ships (`@mediapipe/selfie_segmentation`, made for the older "solutions" API)
 * has none, and Tasks' ImageSegmenter refuses a float input without NormalizationOptions. The
 * model file is a flatbuffer whose offsets are relative: the original bytes are kept as they
 * are, after a new root table (the old fields pointing at the old data, plus a `metadata` entry)
 * and before the new metadata buffer.
 */

// Field ids in tflite's schema.fbs and metadata_schema.fbs.
const MODEL = { version: 0, buffers: 4, metadata: 6, count: 8 } as const
const METADATA_NAME = 'TFLITE_METADATA'
const COLOR_SPACE_RGB = 1
const CONTENT_IMAGE_PROPERTIES = 2
const PROCESS_UNIT_NORMALIZATION = 1

export interface ImageInput {
  /** (pixel - mean) / std is what the model takes, per channel or one for all. */
  mean: number[]
  std: number[]
}

/** Reads tables, vectors and strings of a flatbuffer by field id (enough for these two schemas). */
export class Reader {
  readonly bytes: Uint8Array
  readonly view: DataView
  constructor(bytes: Uint8Array) {
    this.bytes = bytes
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  u32 = (p: number) => this.view.getUint32(p, true)
  /** Where field `id` of the table at `table` sits, or 0 when absent. */
  field(table: number, id: number): number {
    const vtable = table - this.view.getInt32(table, true)
    if (4 + 2 * id >= this.view.getUint16(vtable, true)) return 0
    const off = this.view.getUint16(vtable + 4 + 2 * id, true)
    return off ? table + off : 0
  }
  /** What the offset field `id` points at, or 0. */
  target(table: number, id: number): number {
    const at = this.field(table, id)
    return at ? at + this.u32(at) : 0
  }
  /** The positions a vector of offsets points at. */
  elements(vector: number): number[] {
    return Array.from({ length: vector ? this.u32(vector) : 0 }, (_, i) => {
      const at = vector + 4 + 4 * i
      return at + this.u32(at)
    })
  }
  string(at: number): string {
    return new TextDecoder().decode(this.bytes.subarray(at + 4, at + 4 + this.u32(at)))
  }
}

function modelMetadata(input: ImageInput): Uint8Array {
  const tensor: Node = {
    table: [
      { ref: { string: 'image' } },
      undefined,
      undefined,
      {
        ref: {
          table: [{ u8: CONTENT_IMAGE_PROPERTIES }, { ref: { table: [{ u8: COLOR_SPACE_RGB }] } }],
        },
      },
      {
        ref: {
          offsets: [
            {
              table: [
                { u8: PROCESS_UNIT_NORMALIZATION },
                { ref: { table: [{ ref: { floats: input.mean } }, { ref: { floats: input.std } }] } },
              ],
            },
          ],
        },
      },
    ],
  }
  const subgraph: Node = { table: [undefined, undefined, { ref: { offsets: [tensor] } }] }
  const root: Node = {
    table: [
      { ref: { string: 'selfie segmentation' } },
      undefined,
      undefined,
      { ref: { offsets: [subgraph] } },
      undefined,
      undefined,
      undefined,
      { ref: { string: '1.0.0' } },
    ],
  }
  return buildBuffer('M001', root)
}

/** `model` with a `TFLITE_METADATA` entry describing its image input; the rest byte for byte. */
export function withImageInputMetadata(model: Uint8Array, input: ImageInput): Uint8Array {
  const r = new Reader(model)
  if (new TextDecoder().decode(model.subarray(4, 8)) !== 'TFL3') throw new Error('not a TFLite model')
  const root = r.u32(0)
  const existing = r.elements(r.target(root, MODEL.metadata))
  if (existing.some((m) => r.string(r.target(m, 0)) === METADATA_NAME))
    throw new Error('the model already has TFLite metadata')
  const metadata = modelMetadata(input)
  const oldBuffers = r.elements(r.target(root, MODEL.buffers))

  // Layout: header | new tables | old bytes from 8 on (shifted by `shift`) | metadata bytes.
  // Sizes do not depend on where things go, so the tree is sized with placeholder targets.
  const tree = (shift: number, dataAt: number): Node => {
    const moved = (at: number) => ({ at: at + shift })
    const metadataEntry: Node = {
      table: [{ ref: { string: METADATA_NAME } }, { u32: oldBuffers.length }],
    }
    const fields: Field[] = Array.from({ length: MODEL.count }, (_, id) => {
      if (id === MODEL.buffers)
        return { ref: { offsets: [...oldBuffers.map(moved), { table: [{ ref: { at: dataAt } }] }] } }
      if (id === MODEL.metadata) return { ref: { offsets: [...existing.map(moved), metadataEntry] } }
      if (id === MODEL.version) return { u32: r.u32(r.field(root, id)) }
      const target = r.target(root, id)
      return target ? { ref: moved(target) } : undefined
    })
    return { table: fields }
  }
  const prefix = treeSize(tree(0, 0))
  // A multiple of 16, so tensor data in the old bytes keeps its alignment.
  const shift = Math.ceil(prefix / 16) * 16
  const oldEnd = model.length + shift
  // The metadata's own bytes start 16-aligned, after their 4-byte length.
  const dataAt = Math.ceil((oldEnd + 4) / 16) * 16 - 4
  const out = new Uint8Array(dataAt + 4 + metadata.length)
  const view = new DataView(out.buffer)
  out.set(model.subarray(4, 8), 4)
  out.set(model.subarray(8), 8 + shift)
  view.setUint32(0, writeTree(view, tree(shift, dataAt), 8), true)
  view.setUint32(dataAt, metadata.length, true)
  out.set(metadata, dataAt + 4)
  return out
}
