import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { Reader, withImageInputMetadata } from './tflite-metadata.ts'

const shipped = new Uint8Array(
  readFileSync(createRequire(import.meta.url).resolve('@mediapipe/selfie_segmentation/selfie_segmentation.tflite')),
)

/** The model's root table, its buffers' bytes, and its metadata entries by name → buffer bytes. */
function open(model: Uint8Array) {
  const r = new Reader(model)
  const root = r.u32(0)
  const bufferBytes = r.elements(r.target(root, 4)).map((b) => {
    const data = r.target(b, 0)
    return data ? model.subarray(data + 4, data + 4 + r.u32(data)) : new Uint8Array()
  })
  const metadata = new Map(
    r.elements(r.target(root, 6)).map((m) => [r.string(r.target(m, 0)), bufferBytes[r.u32(r.field(m, 1))]!]),
  )
  return { r, root, bufferBytes, metadata }
}

describe('withImageInputMetadata', () => {
  it('given the shipped selfie model, which has no metadata, adds normalization for its image input', () => {
    expect(open(shipped).metadata.size).toBe(0)
    const { metadata } = open(withImageInputMetadata(shipped, { mean: [0], std: [255] }))
    const bytes = metadata.get('TFLITE_METADATA')!
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('M001')
    // ModelMetadata → subgraph_metadata[0] → input_tensor_metadata[0] → process_units[0].
    const m = new Reader(bytes)
    const [subgraph] = m.elements(m.target(m.u32(0), 3))
    const [input] = m.elements(m.target(subgraph!, 2))
    const [unit] = m.elements(m.target(input!, 4))
    expect(m.view.getUint8(m.field(unit!, 0))).toBe(1) // NormalizationOptions
    const options = m.target(unit!, 1)
    const floats = (vector: number) =>
      Array.from({ length: m.u32(vector) }, (_, i) => m.view.getFloat32(vector + 4 + 4 * i, true))
    expect(floats(m.target(options, 0))).toEqual([0])
    expect(floats(m.target(options, 1))).toEqual([255])
    // Content: ImageProperties, RGB.
    const content = m.target(input!, 3)
    expect(m.view.getUint8(m.field(content, 0))).toBe(2)
    expect(m.view.getUint8(m.field(m.target(content, 1), 0))).toBe(1)
  })

  it('keeps the rest of the model as it was: version, description, graph, every weight', () => {
    const before = open(shipped)
    const after = open(withImageInputMetadata(shipped, { mean: [0], std: [255] }))
    expect(after.r.u32(after.r.field(after.root, 0))).toBe(before.r.u32(before.r.field(before.root, 0)))
    expect(after.r.string(after.r.target(after.root, 3))).toBe(before.r.string(before.r.target(before.root, 3)))
    expect(after.bufferBytes.length).toBe(before.bufferBytes.length + 1)
    before.bufferBytes.forEach((bytes, i) =>
      expect(Buffer.from(after.bufferBytes[i]!).equals(Buffer.from(bytes))).toBe(true),
    )
    // The operators and subgraph are the same bytes, moved as one block: their tables read the same.
    const ops = (o: ReturnType<typeof open>) => o.r.elements(o.r.target(o.root, 1)).length
    expect(ops(after)).toBe(ops(before))
    // Weights keep their 16-byte alignment.
    const data = (o: ReturnType<typeof open>, i: number) => o.r.target(o.r.elements(o.r.target(o.root, 4))[i]!, 0)
    for (let i = 0; i < before.bufferBytes.length; i++)
      if (before.bufferBytes[i]!.length) expect((data(after, i) - data(before, i)) % 16).toBe(0)
  })

  it('refuses a model that already has metadata rather than adding a second', () => {
    const once = withImageInputMetadata(shipped, { mean: [0], std: [255] })
    expect(() => withImageInputMetadata(once, { mean: [0], std: [255] })).toThrow(/already has/)
  })
})
