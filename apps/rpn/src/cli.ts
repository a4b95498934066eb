#!/usr/bin/env node
import * as fs from 'node:fs';
import { Command, Option, InvalidArgumentError } from 'commander';
import { RpnError } from '@rpn/core';
import { setupNodeBackend as setupBackend } from '@rpn/core/node';
import { CHECKPOINT_FORMATS, type CheckpointFormat } from '@rpn/checkpoint';
import '@rpn/checkpoint/node'; // node:fs for checkpoint paths
import '@rpn/learn/node'; // node:fs for dataset files
import { appRegistry } from './registry.js';
import { defaultGoldenDir, FAMILIES, loadCases, runGolden, summarize, unknownFamilies } from './golden/runner.js';
import { infoCommand } from './commands/info.js';
import { checkpointInfoCommand, convertCommand, isCheckpointPath } from './commands/convert.js';
import { trainCommand } from './commands/train.js';
import { evalCommand } from './commands/eval.js';
import { predictCommand } from './commands/predict.js';
import { startCommand } from './commands/start.js';
import { benchCommand } from './commands/bench.js';
import { reportCommand } from './commands/report.js';
import { fromCaller } from './caller-cwd.js';
import { errorLine } from './error-line.js';

const program = new Command();
program
  .name('rpn')
  .description('RPN for TypeScript: the reference app (tinyBIG configs, golden parity, training)')
  // Usage errors are one line too (no help text after them); `rpn --help` has the rest.
  .configureOutput({ outputError: (str, write) => write(`${str.trimEnd()}; see rpn --help\n`) })
  .addHelpText('after', `
Training runs tinyBIG experiment YAML files unchanged (configurations: data_configs, learner_configs,
model_configs, metric_configs, output_configs). Shipped experiments are in apps/rpn/configs:
elementary, composite, feynman, iris, diabetes, banknote, mnist, mnist_dual_lphm (the banknote and wheat
tables are shipped in @rpn/learn).

Paths (arguments, --out, --checkpoint, --input, --config, --dir, RPN_GOLDEN_DIR, RPN_DATA_DIR) are
resolved from the directory you run the command in, also through \`pnpm rpn\` from any folder of the
repository. Relative data paths inside a config (data_parameters.cache_dir) are too, as in tinyBIG,
which opens them from its working directory: not from the config file's folder.

Examples (from the repository root):
  rpn start                                          default MNIST dual-LPHM run (3 epochs)
  rpn train apps/rpn/configs/elementary_configs.yaml --epochs 200 --out runs/elem
  rpn eval apps/rpn/configs/elementary_configs.yaml --checkpoint runs/elem/checkpoint
  rpn predict --checkpoint runs/elem/checkpoint --input points.csv
  rpn bench --case elementary
  rpn bench --config apps/rpn/configs/mnist_dual_lphm_configs.yaml --steps 50
predict reads raw rows and normalises them as the training data were (rpn train saves the data's
normalisation in the checkpoint); results.json and plots are written atomically, and a full or
read-only disk is an error, not a truncated file.
The last line of train, start and eval is \`final test <metric>: <value>\`. A failing command prints one
line, \`error: <message>\` (what was expected and received), and exits with status 1; RPN_DEBUG=1 adds
the stack trace.`);

/** An optional path option, resolved from the caller's directory when given. */
const opt = (p: string | undefined): string | undefined => (p === undefined ? undefined : fromCaller(p));

const rejectNonFinite = () => new Option('--reject-non-finite', 'refuse checkpoints whose weights hold NaN or Infinity (default: load them with a warning)');
const backendOption = () => new Option('--backend <name>', 'tfjs backend: wasm (default), cpu, or RPN_BACKEND');
const threadsOption = () => new Option('--threads <n>', 'wasm threads: 1 (default), 2–8, or auto (the cores); or RPN_THREADS. Helps large matMuls and our B-spline and AdamW kernels (docs/performance.md)').argParser((v: string) => (v === 'auto' ? 'auto' : intArg('threads')(v)));
const intArg = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < (name === 'seed' ? 0 : 1)) throw new InvalidArgumentError(`${name} must be an integer${name === 'seed' ? ' ≥ 0' : ' ≥ 1'}`);
  return n;
};

program
  .command('golden')
  .description('run the golden parity suite against tinyBIG vectors')
  .option('--dir <dir>', 'golden directory (default: RPN_GOLDEN_DIR, else the repository\'s vendored golden/)')
  .option('--family <list>', `comma-separated families (${FAMILIES.join(', ')})`)
  .option('--verbose', 'print every failing case with its reason')
  .addOption(backendOption())
  .addOption(threadsOption())
  .action(async (opts: { dir?: string; family?: string; backend?: string; threads?: number | 'auto'; verbose?: boolean }) => {
    await setupBackend({ backend: opts.backend, threads: opts.threads });
    const dir = opts.dir === undefined ? defaultGoldenDir() : fromCaller(opts.dir);
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
    for (const f of families) if (loadCases(dir, f).length === 0) console.log(`note: ${f}: no cases in ${dir}`);
    const unknown = unknownFamilies(dir);
    if (unknown.length) console.log(`note: family files this suite does not know (not run): ${unknown.join(', ')}`);
    for (const line of summarize(results, families)) console.log(line);
    if (results.some((r) => r.status === 'failed')) process.exitCode = 1;
  });

program
  .command('info')
  .description('list the parameters of a tinyBIG YAML (experiment file or bare model config) or of a checkpoint')
  .argument('<file>', 'tinyBIG YAML config, or a checkpoint (.pt, .safetensors, native folder)')
  .addOption(rejectNonFinite())
  .addOption(backendOption())
  .addOption(threadsOption())
  .action(async (file: string, opts: { backend?: string; threads?: number | 'auto'; rejectNonFinite?: boolean }) => {
    await setupBackend({ backend: opts.backend, threads: opts.threads });
    const at = fromCaller(file);
    if (isCheckpointPath(at)) await checkpointInfoCommand(at, (l) => console.log(l), { allowNonFinite: !opts.rejectNonFinite });
    else await infoCommand(at, appRegistry(), (l) => console.log(l));
  });

program
  .command('convert')
  .description('convert a checkpoint between PyTorch .pt (tinyBIG), safetensors and the native folder format')
  .argument('<input>', 'a .pt, .safetensors or native checkpoint folder')
  .argument('<output>', 'output path; the extension picks the format (.pt, .safetensors, else a native folder)')
  .option('--config <file>', 'tinyBIG YAML with the model config (needed for .pt → native)')
  .addOption(new Option('--format <format>', 'override the output format').choices([...CHECKPOINT_FORMATS]))
  .option('--no-strict', 'report names/shapes that do not fit the model instead of failing')
  .addOption(rejectNonFinite())
  .addOption(backendOption())
  .addOption(threadsOption())
  .action(async (input: string, output: string, opts: { config?: string; format?: CheckpointFormat; strict: boolean; backend?: string; threads?: number | 'auto'; rejectNonFinite?: boolean }) => {
    await setupBackend({ backend: opts.backend, threads: opts.threads });
    await convertCommand(fromCaller(input), fromCaller(output), { registry: appRegistry(), config: opt(opts.config), format: opts.format, strict: opts.strict, allowNonFinite: !opts.rejectNonFinite });
  });

interface TrainOpts { epochs?: number; batchSize?: number; backend?: string; threads?: number | 'auto'; seed?: number; out?: string; progress?: boolean; plots: boolean; displayStep?: number }

const trainOptions = (c: Command) => c
  .option('--epochs <n>', 'override learner_parameters.n_epochs', intArg('epochs'))
  .option('--batch-size <n>', 'override the training batch size', intArg('batch size'))
  .option('--seed <n>', 'override random_seed (data generation and shuffling)', intArg('seed'))
  .addOption(backendOption())
  .addOption(threadsOption())
  .option('--display-step <n>', 'print an epoch line every n epochs (default: every epoch up to 50, else epochs/50)', intArg('display step'))
  .option('--no-progress', 'no progress bar (it is off anyway when stdout is not a terminal)')
  .option('--no-plots', 'do not write SVG/PNG plots');

trainOptions(program
  .command('train')
  .description('train a tinyBIG experiment YAML; writes checkpoint/, results.json and plots to --out; last line `final test <metric>: <value>`')
  .argument('<config>', 'tinyBIG experiment YAML (configurations: data/learner/model/metric configs)')
  .option('--out <dir>', 'output folder (default runs/<config name>)'))
  .action(async (config: string, opts: TrainOpts) => {
    const backend = await setupBackend({ backend: opts.backend, threads: opts.threads });
    await trainCommand(fromCaller(config), { registry: appRegistry(), backend, epochs: opts.epochs, batchSize: opts.batchSize, seed: opts.seed, out: opt(opts.out), progress: opts.progress === false ? false : undefined, plots: opts.plots, displayStep: opts.displayStep });
  });

trainOptions(program
  .command('start')
  .description('the default embedded experiment: tinyBIG\'s MNIST dual-LPHM model on the embedded MNIST digits, 3 epochs')
  .option('--out <dir>', 'also write checkpoint/, results.json and plots to this folder'))
  .action(async (opts: TrainOpts) => {
    const backend = await setupBackend({ backend: opts.backend, threads: opts.threads });
    await startCommand({ registry: appRegistry(), backend, epochs: opts.epochs, batchSize: opts.batchSize, seed: opts.seed, out: opt(opts.out), progress: opts.progress === false ? false : undefined, plots: opts.plots, displayStep: opts.displayStep });
  });

program
  .command('eval')
  .description('evaluate saved weights on the test split of an experiment')
  .argument('<config>', 'tinyBIG experiment YAML')
  .requiredOption('--checkpoint <path>', 'checkpoint folder written by rpn train (or a .pt/.safetensors file)')
  .option('--seed <n>', 'override random_seed (generated datasets)', intArg('seed'))
  .addOption(rejectNonFinite())
  .addOption(backendOption())
  .addOption(threadsOption())
  .action(async (config: string, opts: { checkpoint: string; backend?: string; threads?: number | 'auto'; seed?: number; rejectNonFinite?: boolean }) => {
    await setupBackend({ backend: opts.backend, threads: opts.threads });
    await evalCommand(fromCaller(config), fromCaller(opts.checkpoint), { registry: appRegistry(), seed: opts.seed, allowNonFinite: !opts.rejectNonFinite });
  });

program
  .command('predict')
  .description('run a saved model on raw rows of a CSV or JSON file (normalised as the training data were); prints one JSON line per row')
  .requiredOption('--checkpoint <path>', 'checkpoint folder written by rpn train')
  .requiredOption('--input <file>', 'CSV (one row per line; a header of names only is skipped; a tinyBIG Name_type table header drops its id and label columns) or JSON ([[…], …] or {"rows": […]})')
  .option('--config <file>', 'tinyBIG YAML with the model config (for checkpoints that hold none, e.g. .pt); an experiment file also gives the data normalisation')
  .option('--no-normalize', 'the rows are already normalised: do not apply the training data\'s normalisation')
  .addOption(rejectNonFinite())
  .addOption(backendOption())
  .addOption(threadsOption())
  .action(async (opts: { checkpoint: string; input: string; config?: string; backend?: string; threads?: number | 'auto'; normalize: boolean; rejectNonFinite?: boolean }) => {
    await setupBackend({ backend: opts.backend, threads: opts.threads });
    await predictCommand(fromCaller(opts.checkpoint), fromCaller(opts.input), { registry: appRegistry(), config: opt(opts.config), normalize: opts.normalize, allowNonFinite: !opts.rejectNonFinite });
  });

program
  .command('bench')
  .description('benchmarks: one JSON line per case (backend, simd, threads, train/infer samples/s, peak RSS)')
  .option('--case <names>', 'comma-separated case names (default: all)')
  .option('--reps <n>', 'repetitions per timing (medians)', intArg('reps'))
  .option('--list', 'list the case names')
  .option('--config <file>', 'train the model of a tinyBIG experiment file (its optimizer, loss, batch size) on random data of its shape; one JSON line')
  .option('--steps <n>', 'with --config: timed training steps (default: about 3 s worth, 5–1000)', intArg('steps'))
  .option('--batch <n>', 'with --config: training batch size (default: the file\'s train_batch_size)', intArg('batch'))
  .option('--profile', 'with --config: profile one training step (kernels per step, time per kernel class, matMul GFLOP/s, transpose-flag matMuls)')
  .addOption(backendOption())
  .addOption(threadsOption())
  .action(async (opts: { case?: string; reps?: number; list?: boolean; backend?: string; threads?: number | 'auto'; config?: string; steps?: number; batch?: number; profile?: boolean }) => {
    const backend = await setupBackend({ backend: opts.backend, threads: opts.threads });
    await benchCommand({ backend, cases: opts.case?.split(',').map((s) => s.trim()).filter(Boolean), reps: opts.reps, list: opts.list, config: opt(opts.config), steps: opts.steps, batch: opts.batch, profile: opts.profile });
  });

program
  .command('report')
  .description('run the RPN 2 experiments (Fashion-MNIST, MNIST, karate, Les Misérables, S&P 500) and print one markdown table of test metric, time per epoch and parameters')
  .option('--quick', 'small epochs and row subsets (a few minutes; labelled quick)')
  .option('--out <file>', 'also write the markdown table to this file')
  .option('--runs <dir>', 'write each run\'s results.json and checkpoint under this folder')
  .option('--only <ids>', 'comma-separated experiment ids')
  .addOption(backendOption())
  .addOption(threadsOption())
  .action(async (opts: { quick?: boolean; out?: string; runs?: string; only?: string; backend?: string; threads?: number | 'auto' }) => {
    const backend = await setupBackend({ backend: opts.backend, threads: opts.threads });
    await reportCommand({ registry: appRegistry(), backend, quick: opts.quick, out: opts.out, runsDir: opts.runs, only: opts.only?.split(',').map((s) => s.trim()).filter(Boolean) });
  });

// Folders named by environment variables are the caller's paths too.
for (const k of ['RPN_DATA_DIR', 'RPN_GOLDEN_DIR']) if (process.env[k]) process.env[k] = fromCaller(process.env[k]!);

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(errorLine(e, process.env.RPN_DEBUG));
  process.exitCode = 1;
});
