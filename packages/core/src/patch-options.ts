import { int } from './options.js';

/** Option fields of a cuboid patch (tinyBIG `p_h, p_w, p_d, p_h_prime, p_w_prime, p_d_prime`), shared by the geometric expansions, compressions and interdependences. */
export const CUBOID_PATCH_FIELDS = Object.freeze({
  pH: int({ required: true, min: 0, doc: 'patch reach below along h' }),
  pW: int({ required: true, min: 0, doc: 'patch reach below along w' }),
  pD: int({ default: 0, min: 0, doc: 'patch reach below along d' }),
  pHPrime: int({ min: 0, doc: 'patch reach above along h (default p_h)' }),
  pWPrime: int({ min: 0, doc: 'patch reach above along w (default p_w)' }),
  pDPrime: int({ min: 0, doc: 'patch reach above along d (default p_d)' }),
});

/** Option fields of a cylinder patch (tinyBIG `p_r, p_d, p_d_prime`): radius p_r in the (h, w) plane, reach p_d / p_d' along d. */
export const CYLINDER_PATCH_FIELDS = Object.freeze({
  pR: int({ required: true, min: 0, doc: 'patch radius' }),
  pD: int({ default: 0, min: 0, doc: 'patch reach below along d' }),
  pDPrime: int({ min: 0, doc: 'patch reach above along d (default p_d)' }),
});

/** Option fields of a sphere patch (tinyBIG `p_r`): `di² + dj² + dk² ≤ p_r²`. */
export const SPHERE_PATCH_FIELDS = Object.freeze({ pR: int({ required: true, min: 0, doc: 'patch radius' }) });
