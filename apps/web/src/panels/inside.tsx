import { useRef, useState } from 'preact/hooks';
import type { WorkerClient } from '../client.js';
import type { ModelSummary } from '../protocol.js';
import { draw, heatmap, lines } from '../charts.js';

/** Look inside: a head's expansion basis over an input range, and its reconciled W as a heat map (built on demand). */
export function InsidePanel({ client, summary }: { client: WorkerClient; summary: ModelSummary | null }) {
  const [layer, setLayer] = useState(0);
  const [head, setHead] = useState(0);
  const [channel, setChannel] = useState(0);
  const [low, setLow] = useState(-1);
  const [high, setHigh] = useState(1);
  const [status, setStatus] = useState('');
  const basisEl = useRef<HTMLDivElement>(null);
  const wEl = useRef<HTMLDivElement>(null);
  const heads = summary?.layers[layer]?.heads ?? [];
  const h = heads[head];
  async function basis() {
    try {
      const r = await client.request<{ t: number[]; D: number; curves: { index: number; values: number[] }[] }>({ type: 'basis', layer, head, low, high, points: 200 });
      await draw(basisEl.current, lines(`κ(x) of layer ${layer} head ${head} (${h?.expansion}): ${r.curves.length} of D = ${r.D} columns, every input = t`, r.curves.flatMap((c) => r.t.map((t, i) => ({ t, value: c.values[i], column: `κ${c.index}` }))), 't', 'value', 'column'));
      setStatus('');
    } catch (e) { setStatus(`error: ${(e as Error).message}`); }
  }
  async function weights() {
    try {
      const r = await client.request<{ n: number; D: number; values: number[] }>({ type: 'weights', layer, head, channel });
      await draw(wEl.current, heatmap(`W = ψ(w) of layer ${layer} head ${head} channel ${channel} (${h?.reconciliation}): ${r.n} × ${r.D}`, r.n, r.D, r.values));
      setStatus('');
    } catch (e) { setStatus(`error: ${(e as Error).message}`); }
  }
  if (!summary) return <p class="muted">No model yet.</p>;
  return (
    <div>
      <h2>Look inside</h2>
      <div class="grid">
        <label class="field"><span>layer</span><select id="inside-layer" value={layer} onChange={(e) => { setLayer(Number((e.target as HTMLSelectElement).value)); setHead(0); }}>{summary.layers.map((_, i) => <option value={i}>{i}</option>)}</select></label>
        <label class="field"><span>head</span><select id="inside-head" value={head} onChange={(e) => setHead(Number((e.target as HTMLSelectElement).value))}>{heads.map((_, i) => <option value={i}>{i}</option>)}</select></label>
        <label class="field"><span>channel</span><input id="inside-channel" type="number" min={0} max={(h?.channels ?? 1) - 1} value={channel} onInput={(e) => setChannel(Number((e.target as HTMLInputElement).value))} /></label>
        <label class="field"><span>x from</span><input id="inside-low" type="number" step="any" value={low} onInput={(e) => setLow(Number((e.target as HTMLInputElement).value))} /></label>
        <label class="field"><span>to</span><input id="inside-high" type="number" step="any" value={high} onInput={(e) => setHigh(Number((e.target as HTMLInputElement).value))} /></label>
      </div>
      {h && <p class="muted">m = {h.m}, n = {h.n}, D = {h.D}, {h.channels} channel(s); {h.expansion ?? 'no expansion'} → {h.reconciliation ?? 'no reconciliation'}</p>}
      <button id="inside-basis" onClick={() => void basis()}>Plot basis functions</button>
      <button id="inside-weights" onClick={() => void weights()}>Build W (heat map)</button>
      <p id="inside-status" class="status">{status}</p>
      <div class="charts"><div id="chart-basis" ref={basisEl} /><div id="chart-w" ref={wEl} /></div>
    </div>
  );
}
