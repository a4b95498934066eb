/**
 * Crash- and full-disk-safe writes of the files `rpn train` produces besides the checkpoint
 * (results.json, plots): a temporary file in the same folder, written completely and fsync'ed,
 * then renamed over the target; on any failure the temporary file is removed and the previous
 * file is left as it was. File-system failures (ENOSPC, EROFS, EACCES, …) become one typed
 * {@link OutputError} naming the file.
 */
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { RpnError } from '@rpn/core';

/** A file the command could not write: `code` is the system error code (ENOSPC, EROFS, …). */
export class OutputError extends RpnError {
  readonly code: string | undefined;
  constructor(message: string, details: { argument?: string; expected?: string; received?: string; code?: string }) {
    super(message, details);
    this.code = details.code;
  }
}

/** The file operations used here, one call each (tests inject failures). Each throws Node's errno errors. */
export interface OutputFs {
  /** `'dir'`, `'file'` or `null` when nothing is there. */
  kind(p: string): 'dir' | 'file' | null;
  /** Creates one folder level (not recursive). */
  mkdir(dir: string): void;
  /** Creates `file` exclusively, writes all of `data`, fsyncs and closes it. */
  writeSynced(file: string, data: Uint8Array): void;
  rename(from: string, to: string): void;
  remove(file: string): void;
  list(dir: string): string[];
  /** Flushes a folder's entries (after a rename); best effort. */
  syncDir(dir: string): void;
}

/** node:fs behind {@link OutputFs}. */
export const nodeOutputFs: OutputFs = Object.freeze({
  kind(p: string) {
    const s = nodeFs.statSync(p, { throwIfNoEntry: false });
    return s ? (s.isDirectory() ? 'dir' : 'file') : null;
  },
  mkdir(dir: string) { nodeFs.mkdirSync(dir); },
  writeSynced(file: string, data: Uint8Array) {
    const fd = nodeFs.openSync(file, 'wx', 0o644);
    try {
      let off = 0;
      while (off < data.length) off += nodeFs.writeSync(fd, data, off, data.length - off);
      nodeFs.fsyncSync(fd);
    } finally {
      nodeFs.closeSync(fd);
    }
  },
  rename(from: string, to: string) { nodeFs.renameSync(from, to); },
  remove(file: string) { nodeFs.rmSync(file, { force: true }); },
  list(dir: string) { return nodeFs.readdirSync(dir); },
  syncDir(dir: string) {
    const fd = nodeFs.openSync(dir, 'r');
    try { nodeFs.fsyncSync(fd); } finally { nodeFs.closeSync(fd); }
  },
});

const REASONS: Readonly<Record<string, string>> = Object.freeze({
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a file is in the way of the folder',
  EISDIR: 'a folder is in the way of the file',
  EIO: 'input/output error',
});

/** The typed form of a file-system failure while doing `action` on `file` (RpnErrors pass through). */
export function outputError(e: unknown, file: string, action: string, argument = '--out'): RpnError {
  if (e instanceof RpnError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const c = typeof code === 'string' ? code : undefined;
  const reason = (c && REASONS[c]) ?? (e instanceof Error ? e.message.split('\n')[0]! : String(e));
  return new OutputError(`cannot ${action} ${file}: ${reason}`, { argument, expected: 'a writable folder with free space', received: c ? `${c} at ${file}` : file, code: c });
}

/** True for errors of the file system itself (an errno code), as opposed to bugs or bad values. */
export function isFileSystemError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/**
 * `mkdir -p` one level at a time, so that the error of the level that fails is the one reported:
 * Node's recursive mkdir reports ENOENT on a read-only mount (it stats the path after EROFS).
 */
export function ensureDir(dir: string, fs: OutputFs = nodeOutputFs, argument = '--out'): void {
  const missing: string[] = [];
  let d = path.resolve(dir);
  for (;;) {
    let k: 'dir' | 'file' | null;
    try { k = fs.kind(d); } catch (e) { throw outputError(e, d, 'look up the folder', argument); }
    if (k === 'dir') break;
    if (k === 'file') throw outputError(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), d, 'create the folder', argument);
    missing.push(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing.reverse()) {
    try { fs.mkdir(m); } catch (e) {
      if ((e as { code?: string }).code === 'EEXIST' && fs.kind(m) === 'dir') continue; // created meanwhile
      throw outputError(e, m, 'create the folder', argument);
    }
  }
}

const TMP = '.tmp-';
const alive = (pid: number): boolean => {
  if (pid === process.pid) return true;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as { code?: string }).code === 'EPERM'; }
};

/** Removes temporary files of `file` left by writers that no longer run (killed mid-write). */
function removeStaleTemps(file: string, fs: OutputFs): void {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}${TMP}`;
  let names: string[];
  try { names = fs.list(dir); } catch { return; }
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const pid = Number(n.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) { try { fs.remove(path.join(dir, n)); } catch { /* best effort */ } }
  }
}

/**
 * Writes `data` to `file` atomically: `.<name>.tmp-<pid>-<random>` in the same folder, written
 * completely and fsync'ed, then renamed over `file`. On failure the temporary file is removed,
 * `file` keeps its previous content, and the error is an {@link OutputError}.
 */
export function writeFileAtomic(file: string, data: Uint8Array | string, fs: OutputFs = nodeOutputFs, argument = '--out'): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const dir = path.dirname(file);
  ensureDir(dir, fs, argument);
  removeStaleTemps(file, fs);
  const tmp = path.join(dir, `.${path.basename(file)}${TMP}${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    fs.writeSynced(tmp, bytes);
    fs.rename(tmp, file);
  } catch (e) {
    try { fs.remove(tmp); } catch { /* the original error matters */ }
    throw outputError(e, file, 'write', argument);
  }
  try { fs.syncDir(dir); } catch { /* not every file system syncs folders */ }
}
