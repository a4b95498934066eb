import type { Registry } from '@rpn/core';
import { modelConfigOf, readYaml } from '../config-file.js';

/** A built model as far as `info` needs it. */
interface Summarizable {
  summary(): { rows: readonly { name: string; shape: readonly number[]; count: number }[]; total: number };
  dispose(): void;
}

/** `rpn info FILE`: each parameter's name and shape, then `parameters: N`. */
export function infoCommand(file: string, registry: Registry, print: (line: string) => void): void {
  const doc = readYaml(file, 'file');
  const model = registry.build<Summarizable>(modelConfigOf(doc, file), 'model');
  try {
    const s = model.summary();
    for (const r of s.rows) print(`${r.name} [${r.shape.join(',')}]`);
    print(`parameters: ${s.total}`);
  } finally {
    model.dispose();
  }
}
