/**
 * A small, bounds-checked ZIP container reader and a STORED-only writer laid out the way
 * PyTorch writes `.pt` files (data descriptors, 64-byte aligned entry data through an `FB`
 * padding extra field). Deflated entries (PyTorch never writes them, other tools may) are
 * inflated with fflate into a buffer whose size is bounded by the file's real size.
 *
 * Why not fflate's `unzipSync` for the container: it does not bounds-check offsets (it
 * clamps silently) and its zip64 extra-field scan loops forever on a crafted file, so a
 * hostile checkpoint could hang the reader. Every offset here is checked against the file.
 */
import { inflateSync } from 'fflate';
import { CheckpointError } from '@rpn/core';

/** CRC-32 tables for slicing-by-8: T[0] is the bytewise table, T[k][n] = (T[k−1][n] >>> 8) ^ T[0][T[k−1][n] & 0xff]. */
const CRC_TABLES = (() => {
  const t = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[0]![n] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) for (let n = 0; n < 256; n++) t[k]![n] = (t[k - 1]![n]! >>> 8) ^ t[0]![t[k - 1]![n]! & 0xff]!;
  return t;
})();

/** CRC-32 (IEEE, as ZIP uses it), eight bytes per step. */
export function crc32(data: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC_TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = 0xffffffff;
  let i = 0;
  const n8 = data.length - (data.length % 8);
  for (; i < n8; i += 8) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c = t7[c & 0xff]! ^ t6[(c >>> 8) & 0xff]! ^ t5[(c >>> 16) & 0xff]! ^ t4[c >>> 24]! ^ t3[data[i + 4]!]! ^ t2[data[i + 5]!]! ^ t1[data[i + 6]!]! ^ t0[data[i + 7]!]!;
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One entry of a ZIP file's directory; its bytes are read (and inflated) only on demand. */
export interface ZipDirectoryEntry {
  readonly name: string;
  /** 0 = STORED, 8 = DEFLATE. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  /** Where the entry's local header starts in the file. */
  readonly localOffset: number;
  /** Where the entry's data starts in the file. */
  readonly dataOffset: number;
}

/** A ZIP file's checked directory; {@link ZipArchive.read} reads one entry, inflating at most the bound given. */
export interface ZipArchive {
  /** Entries in central-directory order; names are unique. */
  readonly entries: readonly ZipDirectoryEntry[];
  /** The entry of that name, or undefined. */
  get(name: string): ZipDirectoryEntry | undefined;
  /** The entry's uncompressed bytes (a view into the file for STORED entries), CRC-checked. */
  read(entry: ZipDirectoryEntry): Uint8Array;
  /** Bytes inflated so far by {@link read}. */
  inflatedBytes(): number;
}

/** One entry of a ZIP file, with its bytes. */
export interface ZipEntry {
  readonly name: string;
  /** Uncompressed bytes (a view into the file for STORED entries). */
  readonly data: Uint8Array;
  /** Where the entry's data starts in the file. */
  readonly dataOffset: number;
}

const fail = (what: string, received?: string): never => {
  throw new CheckpointError(`corrupt or truncated zip: ${what}`, { argument: 'file', expected: 'a valid ZIP archive', received });
};

/** Largest ratio DEFLATE can reach (258 bytes from about 2 bits). */
const MAX_DEFLATE_RATIO = 1032;

/**
 * Reads and checks a ZIP file's directory without reading any entry's data. One entry, one
 * extent: every entry's local header and data must lie inside the file, apart from every other
 * entry and from the central directory; names are unique and the same in the local and the
 * central header (with the same method), the end record is the file's last bytes. Inflation is
 * deferred to {@link ZipArchive.read} and bounded in total by `maxInflatedBytes`.
 */
export function openZip(bytes: Uint8Array, options: { maxInflatedBytes?: number } = {}): ZipArchive {
  const maxInflated = options.maxInflatedBytes ?? 2 ** 30;
  const len = bytes.byteLength;
  const v = new DataView(bytes.buffer, bytes.byteOffset, len);
  const u16 = (o: number) => (o >= 0 && o + 2 <= len ? v.getUint16(o, true) : fail('read past the end', `offset ${o} of ${len}`));
  const u32 = (o: number) => (o >= 0 && o + 4 <= len ? v.getUint32(o, true) : fail('read past the end', `offset ${o} of ${len}`));
  const u64 = (o: number) => { if (o < 0 || o + 8 > len) fail('read past the end', `offset ${o} of ${len}`); const x = v.getBigUint64(o, true); return x > BigInt(Number.MAX_SAFE_INTEGER) ? fail('zip64 field too large', x.toString()) : Number(x); };
  if (len < 22) fail('file too short for an end-of-central-directory record', `${len} bytes`);
  // the end record must end the file exactly (its comment included): a signature inside a comment cannot pose as it
  let eocd = -1;
  for (let e = len - 22; e >= Math.max(0, len - 22 - 65535); e--) {
    if (v.getUint32(e, true) === 0x06054b50 && e + 22 + v.getUint16(e + 20, true) === len) { eocd = e; break; }
  }
  if (eocd < 0) fail('no end-of-central-directory record ending the file');
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0) fail('multi-disk archives are not supported');
  let count = u16(eocd + 10);
  if (u16(eocd + 8) !== count) fail('entry counts disagree in the end record', `${u16(eocd + 8)} vs ${count}`);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  let cdLimit = eocd; // the central directory must end before the end record(s)
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
    // zip64: locator right before the EOCD
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== 0x07064b50) fail('zip64 locator missing');
    const rec = u64(loc + 8);
    if (rec + 56 > loc || u32(rec) !== 0x06064b50) fail('zip64 end record out of bounds', String(rec));
    count = u64(rec + 32);
    cdSize = u64(rec + 40);
    cdOffset = u64(rec + 48);
    cdLimit = rec;
  }
  if (cdOffset + cdSize > cdLimit) fail('central directory out of bounds', `offset ${cdOffset} size ${cdSize} before ${cdLimit}`);
  if (count * 46 > cdSize) fail('central directory too small for its entry count', `${count} entries in ${cdSize} bytes`);
  const entries: ZipDirectoryEntry[] = [];
  const byName = new Map<string, ZipDirectoryEntry>();
  const extents: [number, number, string][] = [];
  let o = cdOffset;
  const cdEnd = cdOffset + cdSize;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decodeName = (at: number, n: number, where: string) => { try { return decoder.decode(bytes.subarray(at, at + n)); } catch { return fail('entry name is not UTF-8', where); } };
  for (let i = 0; i < count; i++) {
    if (o + 46 > cdEnd || u32(o) !== 0x02014b50) fail('bad central directory entry', `entry ${i} at ${o}`);
    const flags = u16(o + 8);
    const method = u16(o + 10);
    const crc = u32(o + 16);
    let csize = u32(o + 20);
    let usize = u32(o + 24);
    const nl = u16(o + 28), el = u16(o + 30), cl = u16(o + 32);
    let local = u32(o + 42);
    if (o + 46 + nl + el + cl > cdEnd) fail('central directory entry overruns the directory', `entry ${i}`);
    if (flags & 0x41) fail('encrypted entries are not supported', `entry ${i}`);
    const nameBytes = bytes.subarray(o + 46, o + 46 + nl);
    const name = decodeName(o + 46, nl, `entry ${i}`);
    if (csize === 0xffffffff || usize === 0xffffffff || local === 0xffffffff) {
      // zip64 extra field (id 1): the 0xffffffff fields in order usize, csize, local
      let e = o + 46 + nl;
      const end = e + el;
      let found = false;
      while (e + 4 <= end) {
        const id = u16(e), sz = u16(e + 2);
        if (e + 4 + sz > end) fail('extra field overruns its entry', name);
        if (id === 1) {
          let p = e + 4;
          const next = () => { if (p + 8 > e + 4 + sz) fail('zip64 extra field too short', name); const x = u64(p); p += 8; return x; };
          if (usize === 0xffffffff) usize = next();
          if (csize === 0xffffffff) csize = next();
          if (local === 0xffffffff) local = next();
          found = true;
          break;
        }
        e += 4 + sz;
      }
      if (!found) fail('zip64 sizes without a zip64 extra field', name);
    }
    o += 46 + nl + el + cl;
    if (byName.has(name)) fail('duplicate entry name', name);
    if (local + 30 > cdOffset || u32(local) !== 0x04034b50) fail('local header out of bounds or bad signature', `${name} at ${local}`);
    const lnl = u16(local + 26), lel = u16(local + 28);
    if (lnl !== nl || bytes.subarray(local + 30, local + 30 + lnl).some((b, j) => b !== nameBytes[j])) fail('local and central names differ', `${name} vs ${decodeName(local + 30, Math.min(lnl, 256), name)}`);
    if (u16(local + 8) !== method) fail('local and central compression methods differ', name);
    const dataOffset = local + 30 + lnl + lel;
    if (dataOffset + csize > cdOffset) fail('entry data out of bounds', `${name}: ${csize} bytes at ${dataOffset}, central directory at ${cdOffset}`);
    if (method === 0) {
      if (usize !== csize) fail('stored entry with different sizes', name);
    } else if (method === 8) {
      if (usize > Math.max(1 << 20, csize * MAX_DEFLATE_RATIO)) fail('deflated entry claims an impossible size', `${name}: ${usize} bytes from ${csize}`);
    } else {
      fail('unsupported compression method', `${name}: method ${method}`);
    }
    const entry: ZipDirectoryEntry = Object.freeze({ name, method, compressedSize: csize, size: usize, crc32: crc, localOffset: local, dataOffset });
    entries.push(entry);
    byName.set(name, entry);
    extents.push([local, dataOffset + csize, name]);
  }
  if (o !== cdEnd) fail('central directory size does not match its entries', `${o - cdOffset} of ${cdSize} bytes used`);
  extents.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < extents.length; i++) {
    if (extents[i]![0] < extents[i - 1]![1]) fail('entries overlap', `${extents[i - 1]![2]} and ${extents[i]![2]}`);
  }
  let inflated = 0;
  return Object.freeze({
    entries: Object.freeze(entries),
    get: (name: string) => byName.get(name),
    inflatedBytes: () => inflated,
    read(entry: ZipDirectoryEntry): Uint8Array {
      if (byName.get(entry.name) !== entry) fail('entry is not from this archive', entry.name);
      const raw = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
      let data: Uint8Array;
      if (entry.method === 0) {
        data = raw;
      } else {
        if (inflated + entry.size > maxInflated) {
          throw new CheckpointError('zip entries inflate to more than the limit', { argument: 'limits.maxInflatedBytes', expected: `at most ${maxInflated} bytes in total`, received: `${inflated + entry.size} bytes (entry ${entry.name})` });
        }
        inflated += entry.size;
        const out = new Uint8Array(entry.size);
        try {
          data = inflateSync(raw, { out });
        } catch (e) {
          return fail('deflate stream is corrupt', `${entry.name}: ${(e as Error).message}`);
        }
        if (data.byteLength !== entry.size) fail('deflated entry has the wrong size', `${entry.name}: ${data.byteLength} of ${entry.size}`);
      }
      if (crc32(data) !== entry.crc32) fail('CRC mismatch', entry.name);
      return data;
    },
  });
}

/** Reads every entry of a ZIP archive (see {@link openZip} for the checks), inflating at most `maxInflatedBytes` in total. */
export function readZip(bytes: Uint8Array, options: { maxInflatedBytes?: number } = {}): ZipEntry[] {
  const zip = openZip(bytes, options);
  return zip.entries.map((e) => Object.freeze({ name: e.name, data: zip.read(e), dataOffset: e.dataOffset }));
}

/**
 * Writes a STORED ZIP the way PyTorch does: UTF-8 names, data descriptors, zero timestamps,
 * and each entry's data aligned to 64 bytes by an `FB` extra field padded with `Z`.
 */
export function writeZip(files: readonly { name: string; data: Uint8Array }[], align = 64): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const f of files) {
    const name = enc.encode(f.name);
    const crc = crc32(f.data);
    const base = offset + 30 + name.length;
    let pad = (align - ((base + 4) % align)) % align;
    const extraLen = 4 + pad;
    const h = new Uint8Array(30 + name.length + extraLen);
    const hv = new DataView(h.buffer);
    hv.setUint32(0, 0x04034b50, true);
    hv.setUint16(4, 0, true); // version needed (as torch)
    hv.setUint16(6, 0x0808, true); // utf-8 names + data descriptor
    hv.setUint16(8, 0, true); // stored
    // time, date, crc, sizes: 0 (given in the data descriptor)
    hv.setUint16(26, name.length, true);
    hv.setUint16(28, extraLen, true);
    h.set(name, 30);
    h[30 + name.length] = 0x46; // 'F'
    h[31 + name.length] = 0x42; // 'B'
    hv.setUint16(32 + name.length, pad, true);
    h.fill(0x5a, 34 + name.length); // 'Z'
    const dd = new Uint8Array(16);
    const dv = new DataView(dd.buffer);
    dv.setUint32(0, 0x08074b50, true);
    dv.setUint32(4, crc, true);
    dv.setUint32(8, f.data.length, true);
    dv.setUint32(12, f.data.length, true);
    const c = new Uint8Array(46 + name.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(8, 0x0808, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, f.data.length, true);
    cv.setUint32(24, f.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    c.set(name, 46);
    if (offset > 0xfffffff0 || f.data.length > 0xfffffff0) throw new CheckpointError('zip entry too large for this writer', { argument: f.name, expected: 'under 4 GiB', received: `${f.data.length} bytes at ${offset}` });
    parts.push(h, f.data, dd);
    central.push(c);
    offset += h.length + f.data.length + dd.length;
    pad = 0;
  }
  const cdOffset = offset;
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, cdOffset, true);
  const out = new Uint8Array(cdOffset + cdSize + 22);
  let p = 0;
  for (const part of [...parts, ...central, eocd]) { out.set(part, p); p += part.length; }
  return out;
}
