/**
 * Typed errors shared by every RPN package. Each names the argument at fault, what was
 * expected and what was received, so a message can be acted on without reading the code.
 */

/** Fields every RPN error carries. */
export interface RpnErrorDetails {
  /** The argument, option or config key at fault (e.g. `x`, `function_parameters.d`). */
  readonly argument?: string;
  /** What was expected, in words or as a shape (e.g. `[b, 784]`). */
  readonly expected?: string;
  /** What was received. */
  readonly received?: string;
}

function describe(message: string, d: RpnErrorDetails): string {
  const parts: string[] = [];
  if (d.argument) parts.push(`argument \`${d.argument}\``);
  if (d.expected) parts.push(`expected ${d.expected}`);
  if (d.received !== undefined) parts.push(`received ${d.received}`);
  return parts.length ? `${message} (${parts.join('; ')})` : message;
}

/** Base class of all RPN errors: `err instanceof RpnError` catches every one of them. */
export class RpnError extends Error {
  readonly argument?: string;
  readonly expected?: string;
  readonly received?: string;
  constructor(message: string, details: RpnErrorDetails = {}) {
    super(describe(message, details));
    this.name = new.target.name;
    this.argument = details.argument;
    this.expected = details.expected;
    this.received = details.received;
  }
}

/** A tensor has the wrong rank or size. */
export class ShapeError extends RpnError {}

/** An option or parameter has an invalid value (wrong type, out of range, not factorable…). */
export class ValueError extends RpnError {}

/** A config is malformed: missing key, wrong envelope, dimensions that do not chain. */
export class ConfigError extends RpnError {}

/** A class/function name is not in the registry. */
export class UnknownNameError extends ConfigError {
  readonly known: readonly string[];
  /** `argument`: the config key holding the name (default `function_class`; e.g. `loss_configs.loss_class`). */
  constructor(name: string, known: readonly string[], what = 'function', argument = 'function_class') {
    super(`unknown ${what} name "${name}"; known names: ${known.join(', ')}`, {
      argument,
      expected: `one of ${known.length} registered names`,
      received: JSON.stringify(name),
    });
    this.known = known;
  }
}

/** A checkpoint/file is truncated, corrupt, or does not fit the model. */
export class CheckpointError extends RpnError {}

/** An operation is not supported by this function or in this configuration. */
export class UnsupportedError extends RpnError {}

/** Render a shape for messages: `[4, 3]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
