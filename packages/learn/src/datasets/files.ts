/** File access of the dataset loaders, through the registered {@link DataSource} (no `node:*` here). */
import { UnsupportedError, ValueError } from '@rpn/core';
import { dataSourceFor } from './source.js';

export async function readFileBytes(path: string): Promise<Uint8Array> {
  return dataSourceFor(path).readFile(path);
}

export async function readText(path: string): Promise<string> {
  return new TextDecoder().decode(await readFileBytes(path));
}

export async function exists(path: string): Promise<boolean> {
  return dataSourceFor(path).exists(path);
}

/**
 * Inflates gzip bytes with the platform's `DecompressionStream` (Node ≥ 18, every current
 * browser). `limitOf`, called on the output so far until it returns a number, bounds the output:
 * inflating past it stops with a ValueError, so a lying archive never inflates further.
 */
export async function gunzip(gz: Uint8Array, source: string, limitOf?: (prefix: Uint8Array) => number | undefined): Promise<Uint8Array> {
  const reader = new Blob([gz as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  let limit: number | undefined;
  const joined = () => { const out = new Uint8Array(total); let o = 0; for (const p of parts) { out.set(p, o); o += p.length; } return out; };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      total += value.length;
      if (limitOf && limit === undefined) limit = limitOf(parts.length === 1 ? value : joined());
      if (limit !== undefined && total > limit) {
        await reader.cancel().catch(() => undefined);
        throw new ValueError('archive inflates past the size its header declares', { argument: source, expected: `${limit} bytes`, received: 'more' });
      }
    }
  } catch (e) {
    if (e instanceof ValueError) throw e;
    throw new ValueError('not a valid gzip file', { argument: source, expected: 'gzip-compressed data', received: (e as Error).message });
  }
  return joined();
}

/** Reads a file, gunzipping it when its name ends in `.gz`. */
export async function readMaybeGz(path: string): Promise<Uint8Array> {
  const bytes = await readFileBytes(path);
  return path.endsWith('.gz') ? gunzip(bytes, path) : bytes;
}

/** A `file://` URL inside this package's `data/` folder (read through the data source; Node only). */
export function packageDataPath(file: string): string {
  return new URL(`../../data/${file}`, import.meta.url).href;
}

/**
 * The names in a folder (sorted), or null when it is not a folder, through the data source's
 * optional `list` (the Node source and memory sources have it).
 */
export async function listDir(path: string): Promise<string[] | null> {
  const src = dataSourceFor(path);
  if (!src.list) throw new UnsupportedError('this data source cannot list folders', { argument: path, expected: 'a data source with list(path) (the Node one, or memoryDataSource)', received: 'a source with readFile/exists only' });
  const names = await src.list(path);
  return names ? [...names].sort() : null;
}
