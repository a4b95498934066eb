import { defineOptions, str, type OptionsOf } from '@rpn/core';

/** tinyBIG's `rpn_output`: no numeric behaviour (tinyBIG pickles results); kept for config round trips. */
export interface RpnOutput {
  readonly name: string;
  readonly kind: 'output';
  toConfig(): { output_class: string; output_parameters: { name: string } };
}

/** Options of {@link rpnOutput}. */
export const RPN_OUTPUT_OPTIONS = defineOptions('rpn_output', { name: str({ default: 'rpn_output', doc: 'instance name' }) });

/** Creates an `rpn_output` (`{output_class: 'rpn_output', output_parameters: {name}}`). */
export function rpnOutput(options: OptionsOf<typeof RPN_OUTPUT_OPTIONS> = {}): RpnOutput {
  const { name } = RPN_OUTPUT_OPTIONS.parse(options);
  return Object.freeze({ name, kind: 'output' as const, toConfig: () => ({ output_class: 'rpn_output', output_parameters: { name } }) });
}
