import * as fs from 'node:fs';
import { CheckpointError, type Registry } from '@rpn/core';
import {

  assignStateDict,
  formatFromBytes,
  formatFromPath,
  readNative,
  readSafetensors,
  readTorchStateDict,
  saveStateDict,
  type CheckpointFormat,
  type CheckpointModel,
  type StateDict,
} from '@rpn/checkpoint';
import { modelConfigOf, readYaml } from '../config-file.js';
import { checkStateDict, type NonFiniteOptions } from '../weights-check.js';

/** Options of {@link convertCommand}. */
export interface ConvertOptions extends NonFiniteOptions {
  /** Builds the model to check names/shapes against (strict) and to leave our optional names out of a `.pt`. */
  readonly registry?: Registry;
  /** A tinyBIG YAML/JSON file with the model config (needed when IN is a `.pt`, which holds none, and OUT is native). */
  readonly config?: string;
  /** Overrides the output format implied by OUT's extension. */
  readonly format?: CheckpointFormat;
  /** Non-strict: names/shapes that do not fit the model are reported, not fatal. */
  readonly strict?: boolean;
  readonly print?: (line: string) => void;
}

interface Input {
  readonly format: CheckpointFormat;
  readonly stateDict: StateDict;
  readonly config: Record<string, unknown> | null;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Reads any checkpoint: a native folder (or its model.json), a `.pt`, a safetensors file, or an extension-less tinyBIG `save_ckpt` file. */
export async function readAnyCheckpoint(input: string): Promise<Input> {
  if (!fs.existsSync(input)) throw new CheckpointError('checkpoint not found', { argument: 'input', expected: 'a .pt, .safetensors, or a native checkpoint folder', received: input });
  if (fs.statSync(input).isDirectory() || input.endsWith('model.json')) {
    const ck = await readNative(input);
    return { format: 'native', stateDict: ck.stateDict, config: ck.config, metadata: ck.metadata };
  }
  const bytes = new Uint8Array(fs.readFileSync(input));
  const format = formatFromPath(input) === 'native' ? formatFromBytes(bytes) : formatFromPath(input);
  if (format === 'torch') return { format, stateDict: readTorchStateDict(bytes), config: null, metadata: {} };
  const st = readSafetensors(bytes);
  let config: Record<string, unknown> | null = null;
  if (st.metadata.rpn_config) {
    try { config = JSON.parse(st.metadata.rpn_config); } catch { throw new CheckpointError('rpn_config metadata is not JSON', { argument: '__metadata__.rpn_config', expected: 'a JSON model config', received: st.metadata.rpn_config.slice(0, 80) }); }
  }
  const { rpn_config: _c, format: _f, ...metadata } = st.metadata;
  return { format: 'safetensors', stateDict: st.tensors, config, metadata };
}

/**
 * `rpn convert IN OUT`: converts between a PyTorch `.pt` (tinyBIG's checkpoints), safetensors
 * and the native format (a folder with model.json + weights.bin). The output format follows
 * OUT's extension (`.pt`/`.pth`, `.safetensors`, anything else = native folder).
 */
export async function convertCommand(input: string, output: string, opts: ConvertOptions = {}): Promise<void> {
  const print = opts.print ?? ((l: string) => console.log(l));
  const src = await readAnyCheckpoint(input);
  checkStateDict(src.stateDict, input, opts);
  let config = src.config;
  if (opts.config) {
    config = modelConfigOf(readYaml(opts.config, '--config'), opts.config);
  }
  const format = opts.format ?? formatFromPath(output);
  let stateDict: StateDict = src.stateDict;
  if (config && opts.registry) {
    const model = opts.registry.build<CheckpointModel & { dispose(): void }>(config, 'model');
    try {
      const report = assignStateDict(model, stateDict, { strict: opts.strict ?? true });
      for (const n of report.unexpected) print(`warning: unexpected ${n}`);
      for (const m of report.mismatched) print(`warning: mis-shaped ${m.name} (model [${m.expected.join(', ')}], file [${m.received.join(', ')}])`);
      if (format === 'torch') {
        const optional = new Set(model.namedParameters().filter((p) => p.optional).map((p) => p.name));
        stateDict = new Map([...stateDict].filter(([k]) => !optional.has(k)));
      }
    } finally {
      model.dispose();
    }
  }
  if (format === 'native' && !config) print('note: no model config (pass --config); the native checkpoint holds weights only and loadModel cannot rebuild it');
  await saveStateDict(stateDict, output, { format, config, metadata: src.metadata });
  print(`converted ${input} (${src.format}, ${stateDict.size} tensors) → ${output} (${format})`);
}

/** `rpn info CHECKPOINT`: each tensor's name, dtype and shape, then `parameters: N` and the format. */
export async function checkpointInfoCommand(file: string, print: (line: string) => void = (l) => console.log(l), o: NonFiniteOptions = {}): Promise<void> {
  const src = await readAnyCheckpoint(file);
  checkStateDict(src.stateDict, file, o);
  let total = 0;
  for (const [name, t] of src.stateDict) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    total += n;
    print(`${name} [${t.shape.join(',')}] ${t.dtype}`);
  }
  print(`parameters: ${total}`);
  print(`format: ${src.format}${src.config ? `, model_class ${String(src.config.model_class)}` : ''}`);
}

/** True when `file` looks like a checkpoint rather than a YAML config (for `rpn info`). */
export function isCheckpointPath(file: string): boolean {
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) return fs.existsSync(`${file}/model.json`);
  if (/\.(pt|pth|ckpt|safetensors)$/i.test(file) || file.endsWith('model.json')) return true;
  if (!fs.existsSync(file)) return false;
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(9);
    fs.readSync(fd, b, 0, 9, 0);
    return (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) || b[8] === 0x7b;
  } finally {
    fs.closeSync(fd);
  }
}

