/** What the Compose form holds. */
export interface ComposeState {
  readonly dims: string;
  readonly heads: number;
  readonly channels: number;
  /** Chosen class and raw field values per kind (`expansion`, `reconciliation`, …); class '' = none. */
  readonly choices: Record<string, { readonly className: string; readonly params: Record<string, unknown> }>;
  readonly dataset: 'elementary_function' | 'composite_function' | 'feynman_function' | 'iris' | 'mnist';
  readonly equation: number;
  readonly epochs: number;
  readonly lr: number;
  readonly batch: number;
}

/** The data widths the datasets give (function datasets: read from the data when loaded). */
export const DATASETS: Record<ComposeState['dataset'], { readonly task: 'regression' | 'classification'; readonly label: string }> = {
  elementary_function: { task: 'regression', label: 'elementary functions' },
  composite_function: { task: 'regression', label: 'composite functions' },
  feynman_function: { task: 'regression', label: 'Feynman equations' },
  iris: { task: 'classification', label: 'iris (4 features, 3 classes)' },
  mnist: { task: 'classification', label: 'MNIST digits (784 pixels, 10 classes)' },
};

/** `2, 4, 1` → [2, 4, 1]; throws on anything but ≥ 2 positive integers. */
export function parseDims(s: string): number[] {
  const dims = s.split(/[\s,]+/).filter(Boolean).map(Number);
  if (dims.length < 2 || !dims.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`dims must be at least two positive integers, got "${s}"`);
  return dims;
}

const fn = (c: ComposeState['choices'][string] | undefined) => (c && c.className ? { function_class: c.className, function_parameters: { ...c.params } } : undefined);

/** A tinyBIG experiment document for the composed model: an rpn of `dims` with `heads` heads of `channels` channels per layer. */
export function composeDoc(s: ComposeState): Record<string, unknown> {
  const dims = parseDims(s.dims);
  const ds = DATASETS[s.dataset];
  const head = {
    head_class: 'tinybig.module.rpn_head',
    head_parameters: {
      channel_num: s.channels,
      data_transformation_configs: fn(s.choices.expansion),
      parameter_fabrication_configs: fn(s.choices.reconciliation),
      remainder_configs: fn(s.choices.remainder),
      ...(fn(s.choices.interdependence) ? { attribute_interdependence_configs: fn(s.choices.interdependence) } : {}),
      ...(s.channels > 1 && fn(s.choices.fusion) ? { channel_fusion_configs: fn(s.choices.fusion) } : {}),
    },
  };
  const layers = dims.slice(1).map((n, i) => ({
    layer_class: 'tinybig.module.rpn_layer',
    layer_parameters: { m: dims[i], n, width: s.heads, head_configs: Array.from({ length: s.heads }, () => head) },
  }));
  const fnData = s.dataset.endsWith('_function');
  // a JSON round trip drops the unset (undefined) function configs
  return JSON.parse(JSON.stringify({
    configurations: {
      random_seed: 1234,
      data_configs: {
        data_class: `tinybig.data.${s.dataset}`,
        data_parameters: { name: s.dataset, train_batch_size: s.batch, test_batch_size: s.batch, ...(fnData ? { equation_index: s.equation } : {}) },
      },
      learner_configs: {
        learner_class: 'tinybig.learner.backward_learner',
        learner_parameters: {
          n_epochs: s.epochs,
          optimizer_configs: { optimizer_class: 'torch.optim.AdamW', optimizer_parameters: { lr: s.lr, weight_decay: 1e-4 } },
          loss_configs: ds.task === 'regression' ? { loss_class: 'torch.nn.MSELoss', loss_parameters: { reduction: 'mean' } } : { loss_class: 'torch.nn.CrossEntropyLoss', loss_parameters: { reduction: 'mean' } },
        },
      },
      model_configs: { model_class: 'tinybig.model.rpn', model_parameters: { name: 'composed_rpn', depth: layers.length, layer_configs: layers } },
      metric_configs: ds.task === 'regression' ? { metric_class: 'tinybig.metric.mse', metric_parameters: {} } : { metric_class: 'tinybig.metric.accuracy', metric_parameters: {} },
      ...(fn(s.choices.output) ? { output_configs: { output_class: `tinybig.output.${s.choices.output.className}`, output_parameters: {} } } : {}),
    },
  })) as Record<string, unknown>;
}
