import { useEffect, useState } from 'preact/hooks';
import type { WorkerClient } from '../client.js';
import type { ModelSummary } from '../protocol.js';

/** Save a file to the user's downloads (a Blob URL on an <a download>). */
function download(name: string, type: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Save and share: downloads (.pt, safetensors, native) and models kept in IndexedDB. */
export function SavePanel({ client, summary, onModel }: { client: WorkerClient; summary: ModelSummary | null; onModel: (s: ModelSummary) => void }) {
  const [stored, setStored] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [status, setStatus] = useState('');
  useEffect(() => { client.request<string[]>({ type: 'store', op: 'list' }).then(setStored, () => setStored([])); }, [client]);
  async function save(format: 'torch' | 'safetensors' | 'native') {
    try {
      const r = await client.request<{ files: { name: string; type: string; bytes: Uint8Array }[] }>({ type: 'export', format });
      for (const f of r.files) download(f.name, f.type, f.bytes);
      setStatus(`downloaded ${r.files.map((f) => `${f.name} (${f.bytes.byteLength} bytes)`).join(', ')}`);
    } catch (e) { setStatus(`error: ${(e as Error).message}`); }
  }
  async function store(op: 'save' | 'load' | 'delete', n: string) {
    try {
      const r = await client.request<string[] | { summary: ModelSummary }>({ type: 'store', op, name: n });
      if (Array.isArray(r)) setStored(r);
      else { onModel(r.summary); setStatus(`loaded ${n} from IndexedDB`); }
      if (op === 'save') setStatus(`kept ${n} in IndexedDB`);
    } catch (e) { setStatus(`error: ${(e as Error).message}`); }
  }
  if (!summary) return <p class="muted">No model yet.</p>;
  return (
    <div>
      <h2>Save and share</h2>
      <button id="dl-torch" onClick={() => void save('torch')}>Download .pt (PyTorch)</button>
      <button id="dl-safetensors" onClick={() => void save('safetensors')}>Download .safetensors</button>
      <button id="dl-native" onClick={() => void save('native')}>Download native (model.json + weights.bin)</button>
      <h3>Kept in this browser (IndexedDB)</h3>
      <input id="store-name" value={name} placeholder={summary.source} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      <button id="store-save" onClick={() => void store('save', name || summary.source)}>Keep</button>
      <ul id="stored">{stored.map((s) => <li>{s} <button onClick={() => void store('load', s)}>load</button> <button onClick={() => void store('delete', s)}>delete</button></li>)}</ul>
      <p id="save-status" class="status">{status}</p>
    </div>
  );
}
