/** tinyBIG's `rpn_output`: no numeric behaviour (tinyBIG pickles results); kept for config round trips. */
export interface RpnOutput {
  readonly name: string;
  readonly kind: 'output';
  toConfig(): { output_class: string; output_parameters: { name: string } };
}

/** Creates an `rpn_output` (`{output_class: 'rpn_output', output_parameters: {name}}`). */
export function rpnOutput(options: { name?: unknown } = {}): RpnOutput {
  const name = typeof options.name === 'string' ? options.name : 'rpn_output';
  return Object.freeze({ name, kind: 'output' as const, toConfig: () => ({ output_class: 'rpn_output', output_parameters: { name } }) });
}
