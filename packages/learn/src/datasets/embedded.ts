/**
 * The data shipped with the package, as lazily imported string modules (generated from `data/` and
 * npm vega-datasets by scripts/embed-data.mjs): no file read, so they load in browsers and bundles.
 */
export const EMBEDDED_FILES: Readonly<Record<string, () => Promise<string>>> = Object.freeze({
  'iris.csv': async () => (await import('./embedded/iris.js')).default,
  'diabetes.csv': async () => (await import('./embedded/diabetes.js')).default,
  'karate_club.json': async () => (await import('./embedded/karate_club.js')).default,
  'miserables.json': async () => (await import('./embedded/miserables.js')).default,
  'sp500.csv': async () => (await import('./embedded/sp500.js')).default,
  'sp500-2000.csv': async () => (await import('./embedded/sp500_2000.js')).default,
});

/** The text of an embedded file (`iris.csv`, `karate_club.json`, `miserables.json`, `sp500-2000.csv`, …). */
export async function embeddedText(file: string): Promise<string> {
  const load = EMBEDDED_FILES[file];
  if (!load) throw new Error(`no embedded file ${file}`);
  return load();
}
