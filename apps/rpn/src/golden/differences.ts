import type { GoldenCase } from './types.js';

/**
 * Golden cases that record a tinyBIG bug we deliberately do not reproduce. Each is listed,
 * with the same reason, in docs/tinybig-differences.md. The suite runs them and reports them
 * as documented differences, never as passed. Keep this list short.
 */
export const DOCUMENTED_DIFFERENCES: Readonly<Record<string, string>> = Object.freeze({
  'output/function.func_x/13':
    'tinyBIG silently ignores the unrecognised name "softmax" (warning, x returned unchanged); we apply softmax over the last axis, as the name asks.',
});

/**
 * A documented difference that holds for a whole kind of case (recognised from the case's own
 * fields, never from a list of ids). The family adapter checks such a case in the adapted way the
 * rule describes; the case is reported as documented only when that check PASSES (a failure of
 * the adapted check stays a failure). Each rule is listed in docs/tinybig-differences.md.
 */
export interface DocumentedRule {
  readonly name: string;
  readonly reason: string;
  applies(c: GoldenCase): boolean;
}

/**
 * Shared heads: a tinyBIG specialised layer built as `[head] * width` repeats ONE head object, so
 * the keys of each `shared_parameters` group are one Parameter whose recorded gradient is the total.
 * We build independent heads loaded with the equal values: the forward must match exactly, and the
 * SUM of our per-head gradients over each group must equal the recorded total.
 */
export const SHARED_HEADS_RULE: DocumentedRule = Object.freeze({
  name: 'shared-heads-gradients',
  reason: 'tinyBIG repeats one head object; independent heads give per-head shares of its total gradient',
  applies: (c: GoldenCase): boolean =>
    c.heads_mode === 'tinybig' && Array.isArray(c.shared_parameters) && c.shared_parameters.some((g: unknown) => Array.isArray(g) && g.length > 1),
});

/** Every generic rule, in the order they are tried. */
export const DOCUMENTED_RULES: readonly DocumentedRule[] = Object.freeze([SHARED_HEADS_RULE]);

/** The generic rule that applies to a case, if any. */
export function documentedRule(c: GoldenCase): DocumentedRule | undefined {
  return DOCUMENTED_RULES.find((r) => r.applies(c));
}
