/**
 * A bounded preview of any value for error messages: depth-limited, length-limited, safe on
 * cycles, shared subtrees, bigints, Maps, typed arrays and prototype-less objects. Unlike
 * `JSON.stringify`/`String`, it never recurses more than a few levels and never builds a string
 * longer than its limit, whatever the input.
 */

/** `preview(v) ≈ JSON.stringify(v)` cut to `maxLength` characters and 3 levels (deeper parts are `…`). */
export function preview(value: unknown, maxLength = 200, maxDepth = 3): string {
  let out = '';
  let full = false;
  const emit = (s: string) => {
    if (full) return;
    if (out.length + s.length > maxLength) { out += s.slice(0, Math.max(0, maxLength - out.length)) + '…'; full = true; } else out += s;
  };
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): void => {
    if (full) return;
    if (v === null || v === undefined) return emit(String(v));
    switch (typeof v) {
      case 'string': return emit(JSON.stringify(v.length > maxLength ? v.slice(0, maxLength) : v));
      case 'number': case 'boolean': return emit(String(v));
      case 'bigint': return emit(`${v}n`);
      case 'function': return emit('[function]');
      case 'symbol': return emit('[symbol]');
      default: break;
    }
    const o = v as object;
    if (seen.has(o)) return emit('[cycle]');
    if (ArrayBuffer.isView(o)) return emit(`[${o.constructor?.name ?? 'TypedArray'} ${o.byteLength} bytes]`);
    if (depth >= maxDepth) return emit(Array.isArray(o) ? '[…]' : '{…}');
    seen.add(o);
    if (Array.isArray(o) || o instanceof Set) {
      emit('[');
      let i = 0;
      for (const x of o) { if (full) break; if (i++) emit(','); walk(x, depth + 1); }
      emit(']');
    } else if (o instanceof Map) {
      emit('{');
      let i = 0;
      for (const [k, x] of o) { if (full) break; if (i++) emit(','); walk(k, depth + 1); emit(':'); walk(x, depth + 1); }
      emit('}');
    } else {
      emit('{');
      let i = 0;
      for (const k in o) {
        if (full) break;
        if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
        if (i++) emit(',');
        emit(`${JSON.stringify(k.slice(0, maxLength))}:`);
        walk((o as Record<string, unknown>)[k], depth + 1);
      }
      emit('}');
    }
    seen.delete(o);
  };
  walk(value, 0);
  return out;
}
