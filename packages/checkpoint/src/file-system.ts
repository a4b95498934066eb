/**
 * The file operations checkpoints use for local paths, and the one default the package falls back
 * to. The main entry imports nothing from `node:*`: `@rpn/checkpoint/node` registers node:fs here;
 * a browser saves to `indexeddb://`, `localstorage://` or `downloads://`, reads bytes it was given,
 * or passes its own `options.fs`.
 */
import { CheckpointError } from '@rpn/core';

/** The few file operations the handler needs (tests inject failures). */
export interface FileSystem {
  mkdir(dir: string): Promise<void>;
  /** Writes the whole file and flushes it to disk. */
  writeFile(file: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  readFile(file: string): Promise<Uint8Array>;
  remove(file: string): Promise<void>;
  isDirectory(file: string): Promise<boolean>;
  /** The names in a folder (used to remove temporary files of killed saves; without it only known names are removed). */
  list?(dir: string): Promise<string[]>;
  /** Flushes a folder's entries (renames) to disk. */
  syncDir?(dir: string): Promise<void>;
}

let registered: FileSystem | null = null;

/** Sets (or, with null, clears) the file system local paths use when no `options.fs` is given. */
export function setFileSystem(fs: FileSystem | null): void {
  registered = fs;
}

/** The registered file system, or null (a browser, or Node before `@rpn/checkpoint/node` is imported). */
export function getFileSystem(): FileSystem | null {
  return registered;
}

/** The given file system, else the registered one, else a CheckpointError naming the path and the ways to supply one. */
export function fileSystemFor(target: string, given?: FileSystem): FileSystem {
  const fs = given ?? registered;
  if (fs) return fs;
  throw new CheckpointError('a local path needs a file system, and none is registered', {
    argument: 'fs',
    expected: "in Node, import '@rpn/checkpoint/node' once (it registers node:fs); elsewhere pass options.fs, give the file's bytes, or use an indexeddb://, localstorage://, downloads:// or http(s):// URL",
    received: `the path ${JSON.stringify(target)}`,
  });
}
