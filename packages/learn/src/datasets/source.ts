/**
 * Where dataset files come from. The main entry imports nothing from `node:*`: in Node,
 * `import '@rpn/learn/node'` registers the file system; in a browser, a dataset that needs a file
 * (a `cache_dir`, IDX or CSV files) reads it from a {@link memoryDataSource} the app fills with the
 * bytes it has (a file picker, `fetch`). The embedded datasets (iris, diabetes, the MNIST digits,
 * karate club, Les Misérables, S&P 500) need no source.
 */
import { UnsupportedError } from '@rpn/core';

/** Reads dataset files by path (or `file://` URL). */
export interface DataSource {
  /** The file's bytes; rejects when it cannot be read. */
  readFile(path: string): Promise<Uint8Array>;
  /** Whether something (a file or folder) exists at the path. */
  exists(path: string): Promise<boolean>;
  /** The names directly inside a folder, or null when the path is not a folder (optional; IMDB's folders need it). */
  list?(path: string): Promise<string[] | null>;
}

let registered: DataSource | null = null;

/** Sets (or, with null, clears) the source dataset files are read from. */
export function setDataSource(source: DataSource | null): void {
  registered = source;
}

/** The registered source, or null (a browser, or Node before `@rpn/learn/node` is imported). */
export function getDataSource(): DataSource | null {
  return registered;
}

/** The registered source, else an UnsupportedError naming the file and how to supply its bytes. */
export function dataSourceFor(path: string): DataSource {
  if (registered) return registered;
  throw new UnsupportedError('this dataset reads a file, and no data source is registered', {
    argument: path,
    expected: "in Node, import '@rpn/learn/node' once (it registers the file system); in a browser, setDataSource(memoryDataSource({ [path]: bytes })) with the file's bytes",
    received: 'no data source',
  });
}

/** A source over files held in memory: `{ path: bytes or text }`; a folder exists when a file lies under it. */
export function memoryDataSource(files: Readonly<Record<string, Uint8Array | string>>): DataSource {
  const map = new Map(Object.entries(files).map(([k, v]) => [k.replace(/\/+$/, ''), typeof v === 'string' ? new TextEncoder().encode(v) : v]));
  return Object.freeze({
    async readFile(path: string) {
      const b = map.get(path);
      if (!b) throw new Error(`no file ${path} in the memory data source`);
      return b;
    },
    async exists(path: string) {
      const p = path.replace(/\/+$/, '');
      if (map.has(p)) return true;
      for (const k of map.keys()) if (k.startsWith(`${p}/`)) return true;
      return false;
    },
    async list(path: string) {
      const p = path.replace(/\/+$/, '');
      const names = new Set<string>();
      for (const k of map.keys()) if (k.startsWith(`${p}/`)) names.add(k.slice(p.length + 1).split('/')[0]);
      return names.size ? [...names] : null;
    },
  });
}
