import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckpointError } from '@rpn/core';
import { CHECKPOINT_CODECS, CHECKPOINT_FORMATS, codecByName, codecForBytes, codecForPath, readCheckpoint } from './codecs.js';
import { formatFromBytes, formatFromPath, loadCheckpoint, readStateDict, saveModel } from './model-io.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { fakeModel, fakeRegistry } from './test-utils.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-codecs-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describe('one codec list (item 6)', () => {
  it('every path ending, every written file and every format name resolve to the same codec', async () => {
    expect(CHECKPOINT_FORMATS).toEqual(CHECKPOINT_CODECS.map((c) => c.name));
    const a = fakeModel();
    for (const c of CHECKPOINT_CODECS) {
      expect(codecByName(c.name)).toBe(c);
      for (const ext of c.extensions) {
        expect(codecForPath(`x/y${ext}`), ext).toBe(c);
        expect(formatFromPath(`x/Y${ext.toUpperCase()}`), ext).toBe(c.name);
      }
      if (!c.extensions.length) continue;
      const file = path.join(dir, `m${c.extensions[0]}`);
      await saveModel(a, file);
      const bytes = new Uint8Array(fs.readFileSync(file));
      expect(codecForBytes(bytes)).toBe(c);
      expect(formatFromBytes(bytes)).toBe(c.name);
      // the same file without its ending is sniffed to the same codec
      fs.copyFileSync(file, path.join(dir, `checkpoint-${c.name}`));
      expect((await readCheckpoint(path.join(dir, `checkpoint-${c.name}`))).format).toBe(c.name);
      expect((await readCheckpoint(bytes)).format).toBe(c.name);
    }
    expect(codecForPath(path.join(dir, 'folder')).name).toBe('native');
    expect(() => codecByName('onnx')).toThrow(CheckpointError);
    expect(() => codecForBytes(new Uint8Array(16))).toThrow(/unrecognised checkpoint format/);
    a.dispose();
  });

  it('a bad rpn_config is one behaviour everywhere: a typed error naming it (never silently dropped)', async () => {
    const a = fakeModel();
    const good = path.join(dir, 'g.safetensors');
    await saveModel(a, good);
    const st = readSafetensors(new Uint8Array(fs.readFileSync(good)));
    for (const [bad, msg] of [['{not json', /rpn_config metadata is not JSON/], ['[1, 2]', /not a JSON object/], ['"text"', /not a JSON object/]] as const) {
      const file = path.join(dir, 'b.safetensors');
      fs.writeFileSync(file, writeSafetensors(st.tensors, { ...st.metadata, rpn_config: bad }));
      for (const read of [() => loadCheckpoint(file, fakeRegistry()), () => readCheckpoint(file), () => readStateDict(file)]) {
        const e = await read().then(() => undefined, (x: unknown) => x);
        expect(e).toBeInstanceOf(CheckpointError);
        expect((e as Error).message).toMatch(msg);
        expect((e as CheckpointError).argument).toBe('__metadata__.rpn_config');
      }
    }
    a.dispose();
  });

  it('readCheckpoint returns the config, metadata and state dict of a safetensors file without the codec\'s own keys', async () => {
    const a = fakeModel();
    const file = path.join(dir, 'm.safetensors');
    await saveModel(a, file, { metadata: { note: 'hi' } });
    const ck = await readCheckpoint(file);
    expect(ck.config).toEqual(a.toConfig());
    expect(ck.metadata).toEqual({ note: 'hi' });
    a.dispose();
  });
});
