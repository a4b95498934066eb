import { useState } from 'preact/hooks';
import type { WorkerClient } from '../client.js';
import type { ModelSummary } from '../protocol.js';

interface Loaded { summary: ModelSummary; experiment?: boolean; loaded?: boolean; format?: string }

/** Load: a tinyBIG YAML, or a .pt / safetensors / native (model.json + weights.bin) checkpoint, by drop or picker. */
export function LoadPanel({ client, onModel }: { client: WorkerClient; onModel: (s: ModelSummary, experiment: boolean) => void }) {
  const [status, setStatus] = useState('');
  const [over, setOver] = useState(false);
  async function open(list: FileList | null) {
    const files = [...(list ?? [])];
    if (!files.length) return;
    setStatus(`reading ${files.map((f) => f.name).join(', ')}…`);
    try {
      const yaml = files.find((f) => /\.(ya?ml)$/i.test(f.name));
      const json = files.find((f) => /\.json$/i.test(f.name));
      const bin = files.find((f) => /\.bin$/i.test(f.name));
      const ckpt = files.find((f) => /\.(pt|pth|ckpt|safetensors)$/i.test(f.name));
      let r: Loaded;
      if (yaml) r = await client.request<Loaded>({ type: 'load-config', text: await yaml.text(), name: yaml.name });
      else if (json && bin) {
        const [j, w] = [new Uint8Array(await json.arrayBuffer()), new Uint8Array(await bin.arrayBuffer())];
        r = await client.request<Loaded>({ type: 'load-checkpoint', bytes: j, weights: w, name: json.name }, [j.buffer, w.buffer]);
      } else if (json) r = await client.request<Loaded>({ type: 'load-config', text: await json.text(), name: json.name });
      else if (ckpt) {
        const b = new Uint8Array(await ckpt.arrayBuffer());
        r = await client.request<Loaded>({ type: 'load-checkpoint', bytes: b, name: ckpt.name }, [b.buffer]);
      } else throw new Error('pick a .yaml, .pt, .safetensors, or model.json with its weights.bin');
      onModel(r.summary, r.experiment ?? false);
      setStatus(r.loaded === false ? `${r.summary.source}: ${r.format} weights read (${r.summary.total} values); load a config first to put them in a model` : `loaded ${r.summary.source}${r.format ? ` (${r.format})` : ''}`);
    } catch (e) {
      setStatus(`error: ${(e as Error).message}`);
    }
  }
  return (
    <div>
      <h2>Load a model</h2>
      <div id="drop" class={`drop ${over ? 'over' : ''}`} onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={(e) => { e.preventDefault(); setOver(false); void open(e.dataTransfer?.files ?? null); }}>
        Drop a tinyBIG YAML, a .pt, a .safetensors, or model.json + weights.bin here, or
        <input id="file" type="file" multiple accept=".yaml,.yml,.json,.pt,.pth,.ckpt,.safetensors,.bin" onChange={(e) => void open((e.target as HTMLInputElement).files)} />
      </div>
      <p id="load-status" class="status">{status}</p>
    </div>
  );
}

/** Names, shapes and parameter counts. */
export function SummaryTable({ summary }: { summary: ModelSummary }) {
  return (
    <table id="summary">
      <thead><tr><th>parameter</th><th>shape</th><th>count</th></tr></thead>
      <tbody>
        {summary.rows.map((r) => <tr><td>{r.name}</td><td>[{r.shape.join(', ')}]</td><td class="num">{r.count.toLocaleString()}</td></tr>)}
        <tr class="total"><td>total</td><td /><td id="summary-total" class="num">{summary.total.toLocaleString()}</td></tr>
      </tbody>
    </table>
  );
}
