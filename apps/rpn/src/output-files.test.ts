import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RpnError } from '@rpn/core';
import { ensureDir, nodeOutputFs, OutputError, writeFileAtomic, type OutputFs } from './output-files.js';

const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-out-'));

/** node:fs, with `fail(op, path)` deciding where an operation throws (after a partial write for writeSynced). */
function failing(fail: (op: keyof OutputFs, p: string) => string | null): OutputFs {
  const wrap = <K extends keyof OutputFs>(op: K) => ((...args: never[]) => {
    const code = fail(op, args[0] as unknown as string);
    if (code) {
      if (op === 'writeSynced') fs.writeFileSync(args[0] as unknown as string, (args[1] as unknown as Uint8Array).subarray(0, 4096)); // a partial temp file, as on a full disk
      throw errno(code);
    }
    return (nodeOutputFs[op] as (...a: never[]) => unknown)(...args);
  }) as OutputFs[K];
  return Object.fromEntries((Object.keys(nodeOutputFs) as (keyof OutputFs)[]).map((k) => [k, wrap(k)])) as unknown as OutputFs;
}

describe('atomic output files', () => {
  it('writes the file completely and leaves no temporary file', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'a', 'b', 'results.json');
    writeFileAtomic(file, '{"x": 1}');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"x": 1}');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['results.json']);
  });

  it('ENOSPC mid-write: the previous file is intact, the partial temp is removed, the error is typed and one line', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'results.json');
    fs.writeFileSync(file, 'previous run');
    const big = 'x'.repeat(100_000);
    let err: unknown;
    try { writeFileAtomic(file, big, failing((op) => (op === 'writeSynced' ? 'ENOSPC' : null))); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(OutputError);
    expect(err).toBeInstanceOf(RpnError);
    expect((err as OutputError).code).toBe('ENOSPC');
    expect((err as Error).message).toMatch(/no space left on the device/);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).not.toMatch(/\n/);
    expect(fs.readFileSync(file, 'utf8')).toBe('previous run');
    expect(fs.readdirSync(dir)).toEqual(['results.json']);
  });

  it('EROFS on rename: typed, previous file intact, temp removed', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'loss.svg');
    fs.writeFileSync(file, 'old');
    expect(() => writeFileAtomic(file, 'new', failing((op) => (op === 'rename' ? 'EROFS' : null)))).toThrow(/read-only/);
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['loss.svg']);
  });

  it('mkdir on a read-only mount reports EROFS (Node\'s recursive mkdir would report ENOENT)', () => {
    const root = tmpDir();
    const ro = path.join(root, 'ro');
    fs.mkdirSync(ro);
    // a read-only mount: creating anything inside `ro` fails with EROFS, as mkdir(2) does there
    const readOnly = failing((op, p) => (op === 'mkdir' && p.startsWith(`${ro}/`) ? 'EROFS' : null));
    let err: unknown;
    try { ensureDir(path.join(ro, 'runs', 'elem'), readOnly); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(OutputError);
    expect((err as OutputError).code).toBe('EROFS');
    expect((err as Error).message).toMatch(/cannot create the folder .*ro\/runs: the file system is read-only/);
  });

  it('a file in the way of the folder is ENOTDIR, typed', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'runs'), '');
    expect(() => ensureDir(path.join(dir, 'runs', 'x'))).toThrow(OutputError);
  });

  it('removes temporary files of the same target left by killed writers, keeps those of live ones', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'results.json');
    const dead = path.join(dir, '.results.json.tmp-999999999-abc');
    const live = path.join(dir, `.results.json.tmp-${process.pid}-def`);
    const other = path.join(dir, '.metric.png.tmp-999999999-abc');
    for (const f of [dead, live, other]) fs.writeFileSync(f, 'partial');
    writeFileAtomic(file, '{}');
    expect(fs.readdirSync(dir).sort()).toEqual([path.basename(other), path.basename(live), 'results.json'].sort());
  });
});
