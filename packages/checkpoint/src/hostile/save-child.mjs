// Child process of save-kill.test.ts: saves versions start, start+1, … of a large checkpoint to a
// target until it is killed. Uses this package's built dist (the test runs after the build).
// argv: mode (native | safetensors), target, start version, element count.
import readline from 'node:readline';
import { fileHandler, writeFileAtomic } from '../../dist/file-handler.js';
import { nodeFileSystem } from '../../dist/node/file-system.js';
import { writeSafetensors } from '../../dist/safetensors.js';
import { crc32 } from '../../dist/zip.js';

const [mode, target, start, count] = process.argv.slice(2);
const n = Number(count);
const fs = await nodeFileSystem();
const once = process.env.SAVE_ONCE === '1';

async function save(version) {
  process.stdout.write(`saving ${version}\n`);
  const data = new Float32Array(n).fill(version);
  const bytes = new Uint8Array(data.buffer);
  if (mode === 'native') {
    await fileHandler(target, { fs }).save({
      modelTopology: {},
      format: 'rpn-checkpoint',
      generatedBy: 'save-child',
      weightSpecs: [{ name: 'w', shape: [n], dtype: 'float32' }],
      weightData: data.buffer,
      userDefinedMetadata: { rpn: { version: 1, names: ['w'], dtypes: {}, digest: { crc32: crc32(bytes), bytes: bytes.byteLength }, metadata: { version } } },
    });
  } else {
    await writeFileAtomic(fs, target, writeSafetensors(new Map([['w', { dtype: 'float32', shape: [n], data: bytes }]]), { version: String(version) }));
  }
  process.stdout.write(`saved ${version}\n`);
}

process.stdout.write('ready\n');
const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  if (line.trim() !== 'go') continue;
  for (let v = Number(start); ; v++) { await save(v); if (once) process.exit(0); }
}
