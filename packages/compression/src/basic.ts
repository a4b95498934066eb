import { identityTransformation, linearTransformation, reciprocalTransformation } from '@rpn/expansion';
import type { Params, Transformation } from '@rpn/core';
import { COMPRESSION_MODULE } from './common.js';

/** tinyBIG `identity_compression`: `κ(x) = x`, `D = m` (the shared basic builder of @rpn/expansion). */
export function identityCompression(options: Params = {}): Transformation {
  return identityTransformation('compression', 'identity_compression', COMPRESSION_MODULE, options);
}

/**
 * tinyBIG `reciprocal_compression`: `κ(x) = 1/x` after clamping |x| ≤ 1e−6 to ±1e−6, `D = m`.
 * Unlike tinyBIG, the caller's tensor is not modified.
 */
export function reciprocalCompression(options: Params = {}): Transformation {
  return reciprocalTransformation('compression', 'reciprocal_compression', COMPRESSION_MODULE, options);
}

/** tinyBIG `linear_compression(c | pre_C | post_C)`: `c·x`, `pre_C·x` or `x·post_C`, `D = m`. */
export function linearCompression(options: Params = {}): Transformation {
  return linearTransformation('compression', 'linear_compression', COMPRESSION_MODULE, options);
}
