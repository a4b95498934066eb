/** The Node file system as a dataset {@link DataSource} (Node only: `@rpn/learn/node`). */
import { readdir, readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DataSource } from '../datasets/source.js';

const local = (p: string) => (p.startsWith('file:') ? fileURLToPath(p) : p);

/** Reads paths and `file://` URLs with node:fs. */
export function nodeDataSource(): DataSource {
  return Object.freeze({
    async readFile(path: string) { const b = await readFile(local(path)); return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); },
    async exists(path: string) { try { await stat(local(path)); return true; } catch { return false; } },
    async list(path: string) { try { return (await stat(local(path))).isDirectory() ? await readdir(local(path)) : null; } catch { return null; } },
  });
}
