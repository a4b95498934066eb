/**
 * A Node `file://` IOHandler for tfjs model artifacts (tfjs ships one only with tfjs-node),
 * using tfjs-node's layout: `<dir>/model.json` + a weights file it names.
 *
 * A save has one commit point. The weights are written (and fsync'ed) under a name the current
 * `model.json` does not reference (`weights.bin`, else `weights.alt.bin`), then the new
 * `model.json` is written under a temporary name, fsync'ed, and renamed over the old one (one
 * atomic rename), and the folder is fsync'ed. Killing the process at any point leaves either the
 * old `model.json` with its untouched weights, or the new one with its complete weights. Only
 * after the commit are unreferenced weights and temporary files of earlier, killed saves removed.
 * One writer per target is assumed: a concurrent save's temporary files count as stale.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '@rpn/core';
import { fileSystemFor, type FileSystem } from './file-system.js';
import { checkJsonDepth, readLimits, type ReadLimits } from './limits.js';
import { checkUnique, manifestSize, modelJsonSchema, parseOrThrow } from './native-schema.js';

/** Strips `file://` and a trailing `/model.json`. */
export function fileDir(url: string): string {
  let p = url.startsWith('file://') ? url.slice('file://'.length) : url;
  if (p.endsWith('/model.json') || p === 'model.json') p = p.slice(0, -'model.json'.length) || '.';
  return p.replace(/\/+$/, '') || '/';
}

const tmpId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const splitPath = (file: string): [string, string] => { const i = file.lastIndexOf('/'); return i < 0 ? ['.', file] : [file.slice(0, i) || '/', file.slice(i + 1)]; };

/** Removes `<name>.tmp-*` files in `dir` left by killed saves (needs `fs.list`). */
async function removeStaleTemps(fs: FileSystem, dir: string, names: readonly string[]): Promise<void> {
  if (!fs.list) return;
  for (const f of await fs.list(dir)) {
    if (names.some((n) => f.startsWith(`${n}.tmp-`))) await fs.remove(`${dir}/${f}`).catch(() => undefined);
  }
}

/**
 * Writes `data` to `file` through a fsync'ed temporary file in the same folder, then one rename
 * (the commit) and a folder fsync; afterwards removes temporary files of earlier killed saves of
 * the same file.
 */
export async function writeFileAtomic(fs: FileSystem, file: string, data: Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${tmpId()}`;
  const [dir, base] = splitPath(file);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.remove(tmp).catch(() => undefined);
    throw e;
  }
  await fs.syncDir?.(dir);
  await removeStaleTemps(fs, dir, [base]);
}

/** Names the native save writes; only these are ever removed from a checkpoint folder. */
const WEIGHT_NAMES = ['weights.bin', 'weights.alt.bin'] as const;

/** The weights paths `model.json` in `dir` references now ([] if there is none or it does not parse). */
async function referencedPaths(fs: FileSystem, dir: string): Promise<Set<string>> {
  try {
    const mj = JSON.parse(new TextDecoder().decode(await fs.readFile(`${dir}/model.json`))) as { weightsManifest?: { paths?: unknown }[] };
    const out = new Set<string>();
    if (Array.isArray(mj?.weightsManifest)) for (const g of mj.weightsManifest) if (Array.isArray(g?.paths)) for (const p of g.paths) if (typeof p === 'string') out.add(p);
    return out;
  } catch {
    return new Set();
  }
}

/** A tfjs IOHandler that saves to and loads from a folder (`file://path` or a plain path). */
export function fileHandler(url: string, options: { fs?: FileSystem; limits?: Partial<ReadLimits> } = {}): tf.io.IOHandler {
  const dir = fileDir(url);
  const lim = readLimits(options.limits);
  const getFs = async () => fileSystemFor(url, options.fs);
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
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.signature) modelJson.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.modelInitializer) modelJson.modelInitializer = artifacts.modelInitializer;
      await fs.mkdir(dir);
      // the weights go to a name the committed model.json does not reference, so the old pair stays intact
      const current = await referencedPaths(fs, dir);
      const weightsName = WEIGHT_NAMES.find((n) => !current.has(n)) ?? `weights.${tmpId()}.bin`;
      modelJson.weightsManifest = [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }];
      const json = new TextEncoder().encode(JSON.stringify(modelJson));
      const tmpJ = join(`model.json.tmp-${tmpId()}`);
      try {
        await fs.writeFile(join(weightsName), weights);
        await fs.writeFile(tmpJ, json);
      } catch (e) {
        await fs.remove(join(weightsName)).catch(() => undefined);
        await fs.remove(tmpJ).catch(() => undefined);
        throw e;
      }
      try {
        await fs.rename(tmpJ, join('model.json')); // the commit
      } catch (e) {
        await fs.remove(tmpJ).catch(() => undefined);
        throw e;
      }
      await fs.syncDir?.(dir);
      // after the commit: the previous weights and whatever killed saves left behind
      for (const n of WEIGHT_NAMES) if (n !== weightsName) await fs.remove(join(n)).catch(() => undefined);
      if (fs.list) {
        for (const f of await fs.list(dir)) {
          const stale = f.startsWith('model.json.tmp-') || f.startsWith('weights.bin.tmp-') || (/^weights\.[0-9a-z]+-[0-9a-z]+\.bin$/.test(f) && f !== weightsName);
          if (stale) await fs.remove(join(f)).catch(() => undefined);
        }
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
      let parsed: unknown;
      try { parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text)); } catch (e) {
        throw new CheckpointError(`model.json is not valid JSON: ${(e as Error).message.slice(0, 120)}`, { argument: 'model.json', expected: 'a JSON object' });
      }
      checkJsonDepth(parsed, lim.maxDepth, 'model.json');
      const mj = parseOrThrow(modelJsonSchema, parsed, 'model.json', 'model.json');
      const specs = mj.weightsManifest.flatMap((g) => g.weights);
      const paths = mj.weightsManifest.flatMap((g) => g.paths);
      checkUnique(paths, 'model.json.weightsManifest.paths'); // before reading any
      // never read more bytes than the manifest needs
      const need = manifestSize(specs, lim.maxElements);
      const buffers: ArrayBuffer[] = [];
      let got = 0;
      for (const p of paths) {
        let b: Uint8Array;
        try { b = await fs.readFile(join(p)); } catch (e) {
          throw new CheckpointError(`cannot read weights file: ${(e as Error).message}`, { argument: p, expected: 'a readable file', received: join(p) });
        }
        got += b.byteLength;
        if (got > need) throw new CheckpointError('weights data longer than the manifest', { argument: p, expected: `${need} bytes in total`, received: `at least ${got} bytes` });
        buffers.push(b.slice().buffer);
      }
      return {
        modelTopology: mj.modelTopology as {} | undefined,
        format: mj.format,
        generatedBy: mj.generatedBy,
        convertedBy: mj.convertedBy,
        trainingConfig: mj.trainingConfig as tf.io.TrainingConfig | undefined,
        userDefinedMetadata: mj.userDefinedMetadata as {} | undefined,
        signature: mj.signature as {} | undefined,
        modelInitializer: mj.modelInitializer as {} | undefined,
        weightSpecs: specs as tf.io.WeightsManifestEntry[],
        weightData: buffers.length === 1 ? buffers[0] : buffers,
      };
    },
  });
}
