/**
 * A Node `file://` IOHandler for tfjs model artifacts (tfjs ships one only with tfjs-node),
 * using tfjs-node's layout: `<dir>/model.json` + `<dir>/weights.bin`.
 *
 * Saves are atomic with respect to failures while writing: both files are first written
 * completely (and fsync'ed) under temporary names in the same folder, then renamed over the old
 * ones, weights first and `model.json` last. A failed write leaves the previous checkpoint untouched. The
 * only window left is a crash between the two renames; `model.json` records the digest of its
 * weights, so that case is detected at load time (typed error), never loaded silently.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '@rpn/core';

/** The few file operations the handler needs (node:fs/promises by default; tests inject failures). */
export interface FileSystem {
  mkdir(dir: string): Promise<void>;
  /** Writes the whole file and flushes it to disk. */
  writeFile(file: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  readFile(file: string): Promise<Uint8Array>;
  remove(file: string): Promise<void>;
  isDirectory(file: string): Promise<boolean>;
}

/** node:fs/promises behind {@link FileSystem}. */
export async function nodeFileSystem(): Promise<FileSystem> {
  const fs = await import('node:fs/promises');
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
  });
}

/** Strips `file://` and a trailing `/model.json`. */
export function fileDir(url: string): string {
  let p = url.startsWith('file://') ? url.slice('file://'.length) : url;
  if (p.endsWith('/model.json') || p === 'model.json') p = p.slice(0, -'model.json'.length) || '.';
  return p.replace(/\/+$/, '') || '/';
}

/** Writes `data` to `file` through a temporary file in the same folder, then renames it into place. */
export async function writeFileAtomic(fs: FileSystem, file: string, data: Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.remove(tmp).catch(() => undefined);
    throw e;
  }
}

/** A tfjs IOHandler that saves to and loads from a folder (`file://path` or a plain path). */
export function fileHandler(url: string, options: { fs?: FileSystem } = {}): tf.io.IOHandler {
  const dir = fileDir(url);
  const getFs = async () => options.fs ?? (await nodeFileSystem());
  const join = (name: string) => `${dir}/${name}`;
  return Object.freeze({
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const fs = await getFs();
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new CheckpointError('binary model topologies are not supported', { argument: 'modelTopology', expected: 'a JSON config', received: 'ArrayBuffer' });
      const wd = artifacts.weightData;
      const parts = wd === undefined ? [] : Array.isArray(wd) ? wd : [wd];
      const size = parts.reduce((s, b) => s + b.byteLength, 0);
      const weights = new Uint8Array(size);
      let o = 0;
      for (const b of parts) { weights.set(new Uint8Array(b), o); o += b.byteLength; }
      const modelJson: Record<string, unknown> = {
        modelTopology: artifacts.modelTopology ?? null,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.signature) modelJson.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.modelInitializer) modelJson.modelInitializer = artifacts.modelInitializer;
      const json = new TextEncoder().encode(JSON.stringify(modelJson));
      await fs.mkdir(dir);
      // both files complete on disk before either replaces the old ones
      const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      const tmpW = join(`weights.bin.tmp-${id}`);
      const tmpJ = join(`model.json.tmp-${id}`);
      try {
        await fs.writeFile(tmpW, weights);
        await fs.writeFile(tmpJ, json);
        await fs.rename(tmpW, join('weights.bin'));
        await fs.rename(tmpJ, join('model.json'));
      } catch (e) {
        await fs.remove(tmpW).catch(() => undefined);
        await fs.remove(tmpJ).catch(() => undefined);
        throw e;
      }
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology ?? null).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: size,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const fs = await getFs();
      let text: Uint8Array;
      try { text = await fs.readFile(join('model.json')); } catch (e) {
        throw new CheckpointError(`cannot read model.json: ${(e as Error).message}`, { argument: 'dirOrUrl', expected: 'a folder with model.json and weights.bin', received: dir });
      }
      let mj: { modelTopology?: {}; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[]; format?: string; generatedBy?: string; convertedBy?: string | null; trainingConfig?: tf.io.TrainingConfig; userDefinedMetadata?: {}; signature?: {}; modelInitializer?: {} };
      try { mj = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text)); } catch (e) {
        throw new CheckpointError(`model.json is not valid JSON: ${(e as Error).message.slice(0, 120)}`, { argument: 'model.json', expected: 'a JSON object' });
      }
      if (!mj || typeof mj !== 'object' || !Array.isArray(mj.weightsManifest)) throw new CheckpointError('model.json has no weights manifest', { argument: 'model.json', expected: 'a weightsManifest array', received: typeof mj?.weightsManifest });
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of mj.weightsManifest) {
        if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new CheckpointError('malformed weights manifest group', { argument: 'model.json.weightsManifest', expected: '{paths, weights}', received: JSON.stringify(group)?.slice(0, 100) });
        specs.push(...group.weights);
        for (const p of group.paths) {
          if (typeof p !== 'string' || p.includes('..') || p.startsWith('/')) throw new CheckpointError('weights path escapes the checkpoint folder', { argument: 'weightsManifest.paths', expected: 'a file name inside the folder', received: String(p) });
          let b: Uint8Array;
          try { b = await fs.readFile(join(p)); } catch (e) {
            throw new CheckpointError(`cannot read weights file: ${(e as Error).message}`, { argument: p, expected: 'a readable file', received: join(p) });
          }
          buffers.push(b.slice().buffer);
        }
      }
      return {
        modelTopology: mj.modelTopology,
        format: mj.format,
        generatedBy: mj.generatedBy,
        convertedBy: mj.convertedBy,
        trainingConfig: mj.trainingConfig,
        userDefinedMetadata: mj.userDefinedMetadata,
        signature: mj.signature,
        modelInitializer: mj.modelInitializer,
        weightSpecs: specs,
        weightData: buffers.length === 1 ? buffers[0] : buffers,
      };
    },
  });
}
