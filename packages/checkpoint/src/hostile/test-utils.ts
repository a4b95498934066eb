/** Builders of hostile inputs for the reader tests (never shipped: excluded from the build). */
import { deflateSync } from 'fflate';
import { crc32 } from '../zip.js';

/** A local entry of {@link buildZip}. */
export interface LocalSpec { readonly name: string; readonly data: Uint8Array; readonly deflate?: boolean; /** Name written in the local header (default: name). */ readonly localName?: string }
/** A central-directory record of {@link buildZip}: which local entry it points at, under which name. */
export interface CentralSpec { readonly local: number; readonly name?: string }

/**
 * Writes a ZIP whose central directory is given separately from its local entries, so that
 * tests can make records share a local header, repeat names or disagree with their local header.
 */
export function buildZip(locals: readonly LocalSpec[], central: readonly CentralSpec[] = locals.map((_, i) => ({ local: i }))): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const info: { offset: number; crc: number; csize: number; usize: number; method: number; name: string }[] = [];
  let offset = 0;
  for (const l of locals) {
    const body = l.deflate ? deflateSync(l.data) : l.data;
    const name = enc.encode(l.localName ?? l.name);
    const h = new Uint8Array(30 + name.length);
    const v = new DataView(h.buffer);
    const crc = crc32(l.data);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 0x0800, true);
    v.setUint16(8, l.deflate ? 8 : 0, true);
    v.setUint32(14, crc, true);
    v.setUint32(18, body.length, true);
    v.setUint32(22, l.data.length, true);
    v.setUint16(26, name.length, true);
    h.set(name, 30);
    info.push({ offset, crc, csize: body.length, usize: l.data.length, method: l.deflate ? 8 : 0, name: l.name });
    parts.push(h, body);
    offset += h.length + body.length;
  }
  const cdOffset = offset;
  for (const c of central) {
    const e = info[c.local]!;
    const name = enc.encode(c.name ?? e.name);
    const h = new Uint8Array(46 + name.length);
    const v = new DataView(h.buffer);
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 20, true);
    v.setUint16(8, 0x0800, true);
    v.setUint16(10, e.method, true);
    v.setUint32(16, e.crc, true);
    v.setUint32(20, e.csize, true);
    v.setUint32(24, e.usize, true);
    v.setUint16(28, name.length, true);
    v.setUint32(42, e.offset, true);
    h.set(name, 46);
    parts.push(h);
    offset += h.length;
  }
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, central.length, true);
  ev.setUint16(10, central.length, true);
  ev.setUint32(12, offset - cdOffset, true);
  ev.setUint32(16, cdOffset, true);
  parts.push(eocd);
  const out = new Uint8Array(offset + 22);
  let p = 0;
  for (const x of parts) { out.set(x, p); p += x.length; }
  return out;
}

/** A pickle (protocol 2) of `depth` nested empty lists: `[[[…]]]`, built with EMPTY_LIST and APPEND only. */
export function deepListPickle(depth: number): Uint8Array {
  const b = new Uint8Array(2 + depth + (depth - 1) + 1);
  b[0] = 0x80; b[1] = 2;
  b.fill(0x5d, 2, 2 + depth); // EMPTY_LIST × depth
  b.fill(0x61, 2 + depth, 2 + depth + depth - 1); // APPEND × (depth − 1)
  b[b.length - 1] = 0x2e; // STOP
  return b;
}

/** Runs `f`, returning the error it throws (or undefined). */
export function thrown(f: () => unknown): unknown {
  try { f(); return undefined; } catch (e) { return e; }
}

/** Pickle opcodes for a short string. */
const sstr = (s: string) => { const b = new TextEncoder().encode(s); return [0x8c, b.length, ...b]; };
const glob = (m: string, n: string) => [0x63, ...new TextEncoder().encode(`${m}\n${n}\n`)];

/**
 * A `.pt` whose one tensor `w` (a FloatStorage of 1 element) is rebuilt with the given raw pickle
 * opcodes as its size argument (stride `()`), e.g. {@link deepListPickle}'s body for a deep size.
 */
export function ptWithSizeOps(sizeOps: ArrayLike<number>): Uint8Array {
  const head = [0x80, 2, ...glob('collections', 'OrderedDict'), 0x29, 0x52, 0x28, ...sstr('w'), ...glob('torch._utils', '_rebuild_tensor_v2'), 0x28,
    0x28, ...sstr('storage'), ...glob('torch', 'FloatStorage'), ...sstr('0'), ...sstr('cpu'), 0x4b, 1, 0x74, 0x51, 0x4b, 0];
  const tail = [0x29, 0x74, 0x52, 0x75, 0x2e];
  const pkl = new Uint8Array(head.length + sizeOps.length + tail.length);
  pkl.set(head); pkl.set(sizeOps, head.length); pkl.set(tail, head.length + sizeOps.length);
  return buildZip([{ name: 'a/data.pkl', data: pkl }, { name: 'a/data/0', data: new Uint8Array(4) }]);
}
