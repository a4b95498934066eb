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

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as ZIP uses it). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One entry of a ZIP file. */
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

/** Reads every entry of a ZIP archive, checking every offset, size and CRC. */
export function readZip(bytes: Uint8Array): ZipEntry[] {
  const len = bytes.byteLength;
  const v = new DataView(bytes.buffer, bytes.byteOffset, len);
  const u16 = (o: number) => (o + 2 <= len ? v.getUint16(o, true) : fail('read past the end', `offset ${o} of ${len}`));
  const u32 = (o: number) => (o + 4 <= len ? v.getUint32(o, true) : fail('read past the end', `offset ${o} of ${len}`));
  if (len < 22) fail('file too short for an end-of-central-directory record', `${len} bytes`);
  let eocd = -1;
  for (let e = len - 22; e >= Math.max(0, len - 22 - 65535); e--) {
    if (v.getUint32(e, true) === 0x06054b50) { eocd = e; break; }
  }
  if (eocd < 0) fail('no end-of-central-directory record');
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
    // zip64: locator right before the EOCD
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== 0x07064b50) fail('zip64 locator missing');
    const rec = Number(v.getBigUint64(loc + 8, true));
    if (!Number.isSafeInteger(rec) || rec + 56 > len || u32(rec) !== 0x06064b50) fail('zip64 end record out of bounds', String(rec));
    count = Number(v.getBigUint64(rec + 32, true));
    cdSize = Number(v.getBigUint64(rec + 40, true));
    cdOffset = Number(v.getBigUint64(rec + 48, true));
  }
  if (!Number.isSafeInteger(cdOffset) || !Number.isSafeInteger(cdSize) || cdOffset + cdSize > len) fail('central directory out of bounds', `offset ${cdOffset} size ${cdSize} in ${len} bytes`);
  if (count * 46 > cdSize) fail('central directory too small for its entry count', `${count} entries in ${cdSize} bytes`);
  const entries: ZipEntry[] = [];
  let o = cdOffset;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for (let i = 0; i < count; i++) {
    if (o + 46 > cdOffset + cdSize || u32(o) !== 0x02014b50) fail('bad central directory entry', `entry ${i} at ${o}`);
    const method = u16(o + 10);
    const crc = u32(o + 16);
    let csize = u32(o + 20);
    let usize = u32(o + 24);
    const nl = u16(o + 28), el = u16(o + 30), cl = u16(o + 32);
    let local = u32(o + 42);
    if (o + 46 + nl + el + cl > cdOffset + cdSize) fail('central directory entry overruns the directory', `entry ${i}`);
    const name = decoder.decode(bytes.subarray(o + 46, o + 46 + nl));
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
          const next = () => { if (p + 8 > e + 4 + sz) fail('zip64 extra field too short', name); const x = Number(v.getBigUint64(p, true)); p += 8; return x; };
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
    if (local + 30 > len || u32(local) !== 0x04034b50) fail('local header out of bounds or bad signature', `${name} at ${local}`);
    const dataOffset = local + 30 + u16(local + 26) + u16(local + 28);
    if (!Number.isSafeInteger(csize) || dataOffset + csize > len) fail('entry data out of bounds', `${name}: ${csize} bytes at ${dataOffset} in a ${len}-byte file`);
    let data: Uint8Array;
    if (method === 0) {
      if (usize !== csize) fail('stored entry with different sizes', name);
      data = bytes.subarray(dataOffset, dataOffset + csize);
    } else if (method === 8) {
      // bound the output by a generous but finite ratio of the file's real size
      if (usize > Math.max(1 << 20, len * 1032)) fail('deflated entry claims an impossible size', `${name}: ${usize} bytes`);
      const out = new Uint8Array(usize);
      try {
        data = inflateSync(bytes.subarray(dataOffset, dataOffset + csize), { out });
      } catch (e) {
        fail('deflate stream is corrupt', `${name}: ${(e as Error).message}`);
      }
      if (data!.byteLength !== usize) fail('deflated entry has the wrong size', `${name}: ${data!.byteLength} of ${usize}`);
    } else {
      fail('unsupported compression method', `${name}: method ${method}`);
    }
    if (crc32(data!) !== crc) fail('CRC mismatch', name);
    entries.push(Object.freeze({ name, data: data!, dataOffset }));
  }
  return entries;
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
