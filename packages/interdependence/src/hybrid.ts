import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ValueError, isEnvelope, readEnvelope, type BuildContext, type Fusion, type Interdependence, type OptionsOf } from '@rpn/core';
import { makeInterdependence, parseType, type InterdependenceFunction } from './common.js';
import { HYBRID_OPTIONS } from './options.js';

const isFn = (v: unknown): boolean => !!v && typeof v === 'object' && typeof (v as { forward?: unknown }).forward === 'function';

/**
 * hybrid_interdependence: A = fusion([A_1(x, w_1), …, A_k(x, w_k)], w_f), with w split into
 * consecutive segments of lengths l_1 … l_k, l_f. Members get the hybrid's b, m and type (as
 * tinyBIG injects them). m' (attribute) / b' (instance) = fusion.calculateN of the members' m' / b'
 * (tinyBIG's attribute-type m' raises; here it works).
 */
export function hybridInterdependence(options: OptionsOf<typeof HYBRID_OPTIONS>, ctx?: BuildContext): InterdependenceFunction {
  const o = HYBRID_OPTIONS.parse(options);
  const type = parseType(o.interdependenceType);
  const { b, m } = o;
  const specs = (o.interdependenceFunctions ?? o.interdependenceFunctionConfigs) as unknown[] | undefined;
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new ValueError('no interdependence functions are specified', { argument: 'interdependence_function_configs', expected: 'a non-empty list of interdependence functions or configs', received: JSON.stringify(specs) });
  }
  const inject = (cfg: unknown): Interdependence => {
    const env = readEnvelope(cfg, 'interdependence_function_configs[]');
    if (!ctx) throw new ValueError('member configs need a registry', { argument: 'interdependence_function_configs', expected: 'interdependence objects, or build the hybrid through registry.build', received: 'configs without a registry' });
    return ctx.build<Interdependence>({ function_class: env.className, function_parameters: { ...env.parameters, b, m, interdependence_type: type } }, 'interdependence');
  };
  const members: Interdependence[] = specs.map((s, i) => {
    if (isFn(s)) {
      const f = s as Interdependence;
      if (f.type === type) return f;
      if (ctx) return inject(f.toConfig());
      throw new ValueError('member type differs from the hybrid type', { argument: `interdependence_functions[${i}]`, expected: `${type} interdependence`, received: f.type });
    }
    return inject(s);
  });
  const fusionSpec = o.fusionFunction ?? o.fusionFunctionConfig ?? o.fusionFunctionConfigs;
  let fusion: Fusion;
  if (isFn(fusionSpec)) fusion = fusionSpec as Fusion;
  else if (isEnvelope(fusionSpec)) {
    if (!ctx) throw new ValueError('a fusion config needs a registry', { argument: 'fusion_function_config', expected: 'a fusion object, or build through registry.build', received: 'a config without a registry' });
    fusion = ctx.build<Fusion>(fusionSpec, 'fusion');
  } else throw new ValueError('no fusion function is specified', { argument: 'fusion_function_config', expected: 'a fusion object or {function_class, function_parameters}', received: JSON.stringify(fusionSpec) });

  const ls = members.map((f) => (f.requireParameters ? f.calculateL() : 0));
  const lf = fusion.requireParameters ? fusion.calculateL() : 0;
  const l = ls.reduce((a, c) => a + c, 0) + lf;
  const requireData = members.some((f) => f.requireData);
  const requireParameters = members.some((f) => f.requireParameters) || fusion.requireParameters;
  const mPrime = (mm?: number) => (type === 'attribute' ? fusion.calculateN(members.map((f) => f.calculateMPrime(mm ?? m))) : (mm ?? m ?? 0));
  const bPrime = (bb?: number) => (type === 'instance' ? fusion.calculateN(members.map((f) => f.calculateBPrime(bb ?? b))) : (bb ?? b ?? 0));
  return makeInterdependence({
    className: 'hybrid_interdependence', name: o.name, type, b, m,
    options: { b, m, interdependenceType: type, interdependenceFunctionConfigs: members.map((f) => f.toConfig()), fusionFunctionConfig: fusion.toConfig() },
    requireData, requireParameters, l,
    calculateMPrime: mPrime,
    calculateBPrime: bPrime,
    compute: (X, w) => {
      const x = X == null ? null : type === 'instance' ? tf.transpose(X) : X;
      let off = 0;
      const seg = (n: number): Tensor | null => {
        if (n === 0 || w == null) return null;
        const s = tf.reshape(tf.slice(w, [off], [n]), [1, n]);
        off += n;
        return s;
      };
      const As = members.map((f, i) => f.calculateA(f.requireData ? x : x, seg(ls[i])));
      return fusion.forward(As, seg(lf));
    },
    extra: { interdependenceFunctions: Object.freeze(members), fusionFunction: fusion },
  });
}
