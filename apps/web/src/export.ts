import { encodeArtifacts, modelStateDict, writeSafetensors, writeTorchStateDict, type CheckpointModel } from '@rpn/checkpoint';

/** Download formats: PyTorch `.pt` (tinyBIG's `save_ckpt`, weights only), safetensors (with the config), native tfjs artifacts. */
export type ExportFormat = 'torch' | 'safetensors' | 'native';

/** One file to download. */
export interface ExportFile { readonly name: string; readonly type: string; readonly bytes: Uint8Array }

const stem = (source: string) => (source.split('/').pop() ?? 'model').replace(/\.[^.]*$/, '').replace(/[^\w.-]/g, '_') || 'model';

/** The model's weights (and config where the format holds one) as files, bytes only (no file system). */
export async function exportModel(model: CheckpointModel, format: ExportFormat, source: string): Promise<{ files: ExportFile[] }> {
  const name = stem(source);
  const sd = modelStateDict(model);
  if (format === 'torch') return { files: [{ name: `${name}.pt`, type: 'application/octet-stream', bytes: writeTorchStateDict(sd, name) }] };
  if (format === 'safetensors') return { files: [{ name: `${name}.safetensors`, type: 'application/octet-stream', bytes: writeSafetensors(sd, { format: 'pt', rpn_config: JSON.stringify(model.toConfig()) }) }] };
  // the native folder's two files, as @rpn/checkpoint's file handler writes them (model.json references weights.bin)
  const a = await encodeArtifacts(model.toConfig(), sd, {});
  const modelJson = {
    modelTopology: a.modelTopology ?? null, format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy ?? null,
    userDefinedMetadata: a.userDefinedMetadata, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
  };
  return {
    files: [
      { name: 'model.json', type: 'application/json', bytes: new TextEncoder().encode(JSON.stringify(modelJson)) },
      { name: 'weights.bin', type: 'application/octet-stream', bytes: new Uint8Array(a.weightData as ArrayBuffer) },
    ],
  };
}
