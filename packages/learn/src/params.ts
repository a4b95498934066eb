import { optionsFromParameters, readEnvelope, type Params } from '@rpn/core';

/** Reads a tinyBIG/torch envelope (`optimizer_class`, …) and returns its class name's last segment and camelCase options. */
export function envelopeOf(config: unknown, argument: string): { className: string; shortName: string; options: Params } {
  const env = readEnvelope(config, argument);
  const shortName = env.className.slice(env.className.lastIndexOf('.') + 1);
  return { className: env.className, shortName, options: optionsFromParameters(env.parameters) };
}
