import { useEffect, useState } from 'preact/hooks';
import type { WorkerClient } from '../client.js';
import type { WorkerEvent } from '../protocol.js';
import mnistDualLphm from '../../../rpn/configs/mnist_dual_lphm_configs.yaml?raw';

interface Counts { family: string; passed: number; failed: number; documented: number }

/** Parity: the golden suite (the repository's vendored golden/ JSON) run in this page's backend, counts per family. */
export function ParityPanel({ client }: { client: WorkerClient }) {
  const [counts, setCounts] = useState<Record<string, Counts>>({});
  const [failures, setFailures] = useState<{ id: string; message?: string }[]>([]);
  const [status, setStatus] = useState('');
  const [running, setRunning] = useState(false);
  const [timing, setTiming] = useState('');
  useEffect(() => client.on((e: WorkerEvent) => {
    if (e.type !== 'parity-case') return;
    setCounts((c) => { const f = c[e.family] ?? { family: e.family, passed: 0, failed: 0, documented: 0 }; return { ...c, [e.family]: { ...f, [e.status]: f[e.status] + 1 } }; });
    if (e.status === 'failed') setFailures((f) => [...f, { id: e.id, message: e.message }]);
  }), [client]);
  async function run() {
    setCounts({}); setFailures([]); setRunning(true); setStatus('running…');
    const t0 = performance.now();
    try {
      const r = await client.request<{ families: Counts[]; backend: string }>({ type: 'parity' });
      const sum = (k: 'passed' | 'failed' | 'documented') => r.families.reduce((a, f) => a + f[k], 0);
      setStatus(`golden on ${r.backend}: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('documented')} documented differences (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) { setStatus(`error: ${(e as Error).message}`); }
    setRunning(false);
  }
  async function bench() {
    setRunning(true); setTiming('timing…');
    try {
      const r = await client.request<{ forwardMs: number; stepMs: number; batch: number; parameters: number; tfjsThreads: number | null; isolated: boolean }>({ type: 'bench', text: mnistDualLphm });
      setTiming(`forward ${r.forwardMs.toFixed(2)} ms, training step ${r.stepMs.toFixed(2)} ms (batch ${r.batch}, ${r.parameters} parameters, ${r.tfjsThreads ?? '?'} thread(s)${r.isolated ? ', isolated' : ''})`);
      document.getElementById('bench-status')?.setAttribute('data-timing', JSON.stringify(r));
    } catch (e) { setTiming(`error: ${(e as Error).message}`); }
    setRunning(false);
  }
  return (
    <div>
      <h2>Parity with tinyBIG</h2>
      <p class="muted">The golden vectors recorded from tinyBIG (the repository's golden/ folder), checked in this browser with the same harness as <code>pnpm golden</code>.</p>
      <button id="parity-run" disabled={running} onClick={() => void run()}>Run the golden suite</button>
      <p id="parity-status" class="status">{status}</p>
      <table id="parity"><thead><tr><th>family</th><th>passed</th><th>failed</th><th>documented</th></tr></thead>
        <tbody>{Object.values(counts).map((c) => <tr><td>{c.family}</td><td class="num">{c.passed}</td><td class="num">{c.failed}</td><td class="num">{c.documented}</td></tr>)}</tbody></table>
      <h3>Timing</h3>
      <p class="muted">One forward pass and one training step of tinyBIG's mnist_dual_lphm (apps/rpn/configs, batch as in the file), medians of 20.</p>
      <button id="bench-run" disabled={running} onClick={() => void bench()}>Time mnist_dual_lphm</button>
      <p id="bench-status" class="status">{timing}</p>
      {failures.length > 0 && <ul class="error">{failures.slice(0, 50).map((f) => <li>{f.id}: {f.message}</li>)}</ul>}
    </div>
  );
}
