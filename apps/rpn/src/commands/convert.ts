import * as fs from 'node:fs';
import { CheckpointError, type Registry } from '@rpn/core';
import {
  assignStateDict,
  codecForBytes,
  codecForPath,
  formatFromPath,
  readCheckpoint,
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

/** Reads any checkpoint (a native folder or its model.json, a `.pt`, a safetensors file, or an extension-less tinyBIG `save_ckpt` file) through @rpn/checkpoint's codec list. */
export async function readAnyCheckpoint(input: string): Promise<Input> {
  if (!fs.existsSync(input)) throw new CheckpointError('checkpoint not found', { argument: 'input', expected: 'a .pt, .safetensors, or a native checkpoint folder', received: input });
  const ck = await readCheckpoint(input);
  return { format: ck.format, stateDict: ck.stateDict, config: ck.config, metadata: ck.metadata };
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

/** True when `file` looks like a checkpoint rather than a YAML config (for `rpn info`): a folder with model.json, a known ending, or sniffed bytes. */
export function isCheckpointPath(file: string): boolean {
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) return fs.existsSync(`${file}/model.json`);
  if (codecForPath(file).extensions.length || file.endsWith('model.json')) return true;
  if (!fs.existsSync(file)) return false;
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(16);
    const n = fs.readSync(fd, b, 0, 16, 0);
    try { codecForBytes(new Uint8Array(b.buffer, b.byteOffset, n)); return true; } catch { return false; }
  } finally {
    fs.closeSync(fd);
  }
}
