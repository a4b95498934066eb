export * from './dtypes.js';
export { readZip, writeZip, crc32, type ZipEntry } from './zip.js';
export { unpickle, forbiddenGlobal, type PyValue, type PyCallable, type UnpickleHooks } from './pickle.js';
export { readTorchStateDict, writeTorchStateDict } from './torch.js';
export { readSafetensors, writeSafetensors, SAFETENSORS_MAX_HEADER, type SafetensorsFile } from './safetensors.js';
export { encodeArtifacts, decodeArtifacts, NATIVE_FORMAT, NATIVE_VERSION, OPTIMIZER_PREFIX, type NativeCheckpoint, type NativeInfo } from './native.js';
export { fileHandler, fileDir, nodeFileSystem, writeFileAtomic, type FileSystem } from './file-handler.js';
export * from './model-io.js';
export { verifyCheckpointSidecar, type CheckpointSidecar, type SidecarResult } from './golden.js';
