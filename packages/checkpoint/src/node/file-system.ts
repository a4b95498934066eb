/** node:fs/promises behind the checkpoint {@link FileSystem} (Node only: `@rpn/checkpoint/node`). */
import * as fs from 'node:fs/promises';
import type { FileSystem } from '../file-system.js';

/** Node's file system: writes fsync the file, `syncDir` fsyncs a folder (where the platform allows). */
export function nodeFileSystem(): FileSystem {
  return Object.freeze({
    async mkdir(dir: string) { await fs.mkdir(dir, { recursive: true }); },
    async writeFile(file: string, data: Uint8Array) {
      const h = await fs.open(file, 'w');
      try { await h.writeFile(data); await h.sync(); } finally { await h.close(); }
    },
    async rename(from: string, to: string) { await fs.rename(from, to); },
    async readFile(file: string) { const b = await fs.readFile(file); return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); },
    async remove(file: string) { await fs.rm(file, { force: true }); },
    async isDirectory(file: string) { try { return (await fs.stat(file)).isDirectory(); } catch { return false; } },
    async list(dir: string) { try { return await fs.readdir(dir); } catch { return []; } },
    async syncDir(dir: string) {
      let h: Awaited<ReturnType<typeof fs.open>> | undefined;
      try { h = await fs.open(dir, 'r'); await h.sync(); } catch { /* not supported here (e.g. some network file systems) */ } finally { await h?.close(); }
    },
  });
}
