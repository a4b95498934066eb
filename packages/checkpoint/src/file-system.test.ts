import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointError } from '@rpn/core';
import { getFileSystem, setFileSystem, type FileSystem } from './file-system.js';
import { readCheckpoint, safetensorsCodec } from './codecs.js';
import { fileHandler } from './file-handler.js';
import { writeSafetensors } from './safetensors.js';
import { tensorFromValues, tensorValues } from './dtypes.js';

// What a browser sees: the main entry registers no file system of its own.
describe('local paths without a registered file system', () => {
  let saved: FileSystem | null;
  beforeEach(() => { saved = getFileSystem(); setFileSystem(null); });
  afterEach(() => setFileSystem(saved));

  it('reading a path is a CheckpointError naming the path and how to supply bytes or a file system', async () => {
    const err = await readCheckpoint('runs/model.safetensors').catch((e) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err.received).toContain('runs/model.safetensors');
    expect(err.expected).toContain("@rpn/checkpoint/node");
    expect(err.expected).toContain('bytes');
  });
  it('saving to a folder is a CheckpointError too (not `mkdir is not a function`)', async () => {
    const err = await fileHandler('runs/a').save!({ modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(0) }).catch((e) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err.received).toContain('runs/a');
  });
  it('bytes still read with no file system', async () => {
    const sd = new Map([['w', tensorFromValues('float32', [2], [1.5, -2], 'w')]]);
    const got = await readCheckpoint(writeSafetensors(sd, {}));
    expect(got.format).toBe('safetensors');
    expect(Array.from(tensorValues(got.stateDict.get('w')!))).toEqual([1.5, -2]);
  });
  it('an injected file system is used without registering one', async () => {
    const files = new Map<string, Uint8Array>();
    const mem: FileSystem = {
      async mkdir() {}, async writeFile(f, d) { files.set(f, d); }, async rename(a, b) { files.set(b, files.get(a)!); files.delete(a); },
      async readFile(f) { const d = files.get(f); if (!d) throw new Error(`no ${f}`); return d; }, async remove(f) { files.delete(f); }, async isDirectory() { return false; },
    };
    const sd = new Map([['w', tensorFromValues('float32', [1], [3], 'w')]]);
    await safetensorsCodec.write('m/w.safetensors', { stateDict: sd }, { fs: mem });
    expect([...files.keys()]).toEqual(['m/w.safetensors']);
    expect(getFileSystem()).toBeNull();
  });
});
