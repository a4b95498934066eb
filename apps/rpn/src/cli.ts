#!/usr/bin/env node
import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { setupBackend, RpnError } from '@rpn/core';
import { appRegistry } from './registry.js';
import { defaultGoldenDir, FAMILIES, runGolden, summarize } from './golden/runner.js';
import { infoCommand } from './commands/info.js';

const program = new Command();
program.name('rpn').description('RPN for TypeScript: the reference app (tinyBIG configs, golden parity, training)').showHelpAfterError();

const backendOption = () => new Option('--backend <name>', 'tfjs backend: wasm (default), cpu, or RPN_BACKEND');

program
  .command('golden')
  .description('run the golden parity suite against tinyBIG vectors')
  .option('--dir <dir>', 'golden directory (default: ../shared/golden or RPN_GOLDEN_DIR)')
  .option('--family <list>', `comma-separated families (${FAMILIES.join(', ')})`)
  .option('--verbose', 'print every failing case with its reason')
  .addOption(backendOption())
  .action(async (opts: { dir?: string; family?: string; backend?: string; verbose?: boolean }) => {
    await setupBackend({ backend: opts.backend });
    const dir = opts.dir ?? defaultGoldenDir();
    if (!fs.existsSync(dir)) throw new RpnError('golden directory not found', { argument: '--dir', expected: 'a directory with <family>.json files', received: dir });
    const families = opts.family ? opts.family.split(',').map((s) => s.trim()).filter(Boolean) : [...FAMILIES];
    for (const f of families) {
      if (!FAMILIES.includes(f)) throw new RpnError('unknown golden family', { argument: '--family', expected: `one of ${FAMILIES.join(', ')}`, received: f });
    }
    const results = await runGolden({
      dir,
      families,
      registry: appRegistry(),
      onResult: (r) => {
        if (r.status === 'failed' && opts.verbose) console.log(`FAIL ${r.id}: ${r.message}`);
        if (r.status === 'documented' && opts.verbose) console.log(`DOC  ${r.id}: ${r.message}`);
      },
    });
    for (const line of summarize(results, families)) console.log(line);
    if (results.some((r) => r.status === 'failed')) process.exitCode = 1;
  });

program
  .command('info')
  .description('build the model of a tinyBIG YAML (experiment file or bare model config) and list its parameters')
  .argument('<file>', 'tinyBIG YAML config')
  .addOption(backendOption())
  .action(async (file: string, opts: { backend?: string }) => {
    await setupBackend({ backend: opts.backend });
    infoCommand(file, appRegistry(), (l) => console.log(l));
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof RpnError) {
    console.error(`error: ${e.message}`);
  } else {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
  process.exitCode = 1;
});
