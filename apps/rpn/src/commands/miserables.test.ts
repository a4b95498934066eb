import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const app = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(app, 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-miserables-'));

/** `rpn train` on a shipped experiment; returns the final test metric (the CLI's last line). */
function trainFinal(config: string, epochs: number, metric: 'accuracy' | 'mse'): number {
  const r = spawnSync(process.execPath, [cli, 'train', path.join(app, 'configs', config), '--epochs', String(epochs), '--out', path.join(tmp, config)], { encoding: 'utf8', cwd: tmp, timeout: 240_000 });
  expect(r.status, r.stderr).toBe(0);
  const m = new RegExp(`final test ${metric}: ([0-9.]+)\\s*$`).exec(r.stdout);
  expect(m, r.stdout.slice(-400)).not.toBeNull();
  return Number(m![1]);
}

describe('experiments on the offline stand-ins (miserables, sp500)', () => {
  it('rpn train on miserables: gcn and gat beat the mlp from the same 18 labelled nodes', () => {
    const gcn = trainFinal('gcn_miserables_configs.yaml', 60, 'accuracy');
    const gat = trainFinal('gat_miserables_configs.yaml', 60, 'accuracy');
    const mlp = trainFinal('mlp_miserables_configs.yaml', 60, 'accuracy');
    expect(gcn).toBeGreaterThanOrEqual(mlp + 0.15);
    expect(gat).toBeGreaterThanOrEqual(mlp + 0.15);
    expect(gcn).toBeGreaterThanOrEqual(0.8);
  }, 180_000);

  it('rpn train on sp500: the rnn and mlp configs run and report a finite test mse', () => {
    for (const c of ['rnn_sp500_configs.yaml', 'mlp_sp500_configs.yaml']) {
      const mse = trainFinal(c, 2, 'mse');
      expect(Number.isFinite(mse)).toBe(true);
      expect(mse).toBeLessThan(5);
    }
  }, 180_000);
});
