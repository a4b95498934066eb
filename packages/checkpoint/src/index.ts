export * from './dtypes.js';
export { openZip, readZip, writeZip, crc32, type ZipArchive, type ZipDirectoryEntry, type ZipEntry } from './zip.js';
export { unpickle, forbiddenGlobal, type PyValue, type PyCallable, type UnpickleHooks } from './pickle.js';
export { readTorchStateDict, writeTorchStateDict, writeTorchViews, type TorchView } from './torch.js';
export { readSafetensors, writeSafetensors, SAFETENSORS_MAX_HEADER, type SafetensorsFile } from './safetensors.js';
export { encodeArtifacts, decodeArtifacts, NATIVE_FORMAT, NATIVE_VERSION, OPTIMIZER_PREFIX, type NativeCheckpoint, type NativeInfo } from './native.js';
export { DEFAULT_READ_LIMITS, readLimits, type ReadLimits } from './limits.js';
export { preview } from './preview.js';
export {
  CHECKPOINT_CODECS, CHECKPOINT_FORMATS, codecByName, codecForBytes, codecForPath, nativeCodec, safetensorsCodec, torchCodec, readCheckpoint,
  type CheckpointCodec, type CheckpointContent, type CodecOptions, type DecodedCheckpoint,
} from './codecs.js';
export { fileHandler, fileDir, writeFileAtomic } from './file-handler.js';
export { fileSystemFor, getFileSystem, setFileSystem, type FileSystem } from './file-system.js';
export * from './model-io.js';
export { verifyCheckpointSidecar, type CheckpointSidecar, type SidecarResult } from './golden.js';
