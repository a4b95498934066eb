/**
 * A restricted pickle reader: the opcodes of protocols 0–5 that plain data uses (numbers,
 * strings, bytes, tuples, lists, dicts), plus GLOBAL/STACK_GLOBAL, REDUCE, BUILD and
 * BINPERSID routed through callbacks the caller controls. Nothing is ever executed: a global
 * is only a name that the caller's `findGlobal` must map to a plain JS function, or reject.
 * Unknown opcodes (INST, OBJ, NEWOBJ, EXT*, …) are typed errors. Every read is bounds-checked
 * against the pickle's real length, so no claimed size can make it allocate more than the
 * input holds.
 */
import { CheckpointError } from '@rpn/core';

/** A Python value as this reader builds it. Tuples and lists are arrays, dicts are Maps. */
export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyValue[] | Map<PyValue, PyValue> | PyCallable | object;

/** What `findGlobal` returns: a function applied by REDUCE, optionally with a BUILD handler. */
export interface PyCallable {
  readonly kind: 'callable';
  readonly qualifiedName: string;
  call(args: PyValue[]): PyValue;
}

export interface UnpickleHooks {
  /** Maps `module.name` to a callable; must throw (typically {@link forbiddenGlobal}) for anything not allowed. */
  findGlobal(module: string, name: string): PyCallable;
  /** BINPERSID / PERSID: turns a persistent id into a value. */
  persistentLoad?(pid: PyValue): PyValue;
  /** BUILD: applies `state` to `obj`; default accepts only an OrderedDict/dict with a dict state (ignored). */
  build?(obj: PyValue, state: PyValue): PyValue;
  /** Deepest nesting of tuples, lists and dicts accepted in the result (default 64); cycles are refused. */
  maxDepth?: number;
}

/** The typed error for a global that a checkpoint may not reference. */
export function forbiddenGlobal(module: string, name: string): never {
  throw new CheckpointError(`checkpoint references the forbidden global "${module}.${name}"; a checkpoint is data, never code`, {
    argument: 'data.pkl',
    expected: 'only collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and torch.*Storage',
    received: `${module}.${name}`,
  });
}

const MARK = Symbol('mark');

const err = (what: string, received?: string): never => {
  throw new CheckpointError(`corrupt pickle: ${what}`, { argument: 'data.pkl', expected: 'a valid pickle stream', received });
};

const isContainer = (v: unknown): v is PyValue[] | Map<PyValue, PyValue> => Array.isArray(v) || v instanceof Map;

/**
 * Checks, without recursion, that `root` nests tuples/lists/dicts at most `maxDepth` deep and
 * holds no cycle; shared sub-values are visited once (memoised depth), so a pickle that shares
 * one value exponentially often still costs time linear in its size.
 */
function checkDepth(root: PyValue, maxDepth: number): void {
  if (!isContainer(root)) return;
  const done = new Map<object, number>();
  const onPath = new Set<object>();
  interface Frame { readonly node: object; readonly kids: PyValue[]; i: number; max: number }
  const frame = (v: PyValue[] | Map<PyValue, PyValue>): Frame => ({ node: v, kids: Array.isArray(v) ? v : [...v.keys(), ...v.values()], i: 0, max: 0 });
  const stack: Frame[] = [frame(root)];
  onPath.add(root);
  while (stack.length) {
    const f = stack[stack.length - 1]!;
    if (f.i < f.kids.length) {
      const c = f.kids[f.i++];
      if (!isContainer(c)) continue;
      const d = done.get(c);
      if (d !== undefined) { f.max = Math.max(f.max, d); continue; }
      if (onPath.has(c)) err('a value contains itself (cycle)');
      if (stack.length + 1 > maxDepth) throw new CheckpointError('pickle nests too deep', { argument: 'data.pkl', expected: `at most ${maxDepth} levels of tuples/lists/dicts`, received: `more than ${maxDepth}` });
      onPath.add(c);
      stack.push(frame(c));
    } else {
      stack.pop();
      onPath.delete(f.node);
      done.set(f.node, f.max + 1);
      if (stack.length) stack[stack.length - 1]!.max = Math.max(stack[stack.length - 1]!.max, f.max + 1);
    }
  }
}

/** Reads one pickle; throws CheckpointError on any malformed, truncated, too deeply nested or disallowed input. */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks): PyValue {
  const len = bytes.byteLength;
  const view = new DataView(bytes.buffer, bytes.byteOffset, len);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const latin1 = new TextDecoder('latin1');
  let p = 0;
  const need = (n: number) => { if (!Number.isSafeInteger(n) || n < 0 || p + n > len) err('truncated or oversized field', `${n} bytes at offset ${p} of ${len}`); };
  const u8 = () => { need(1); return bytes[p++]!; };
  const u16 = () => { need(2); const x = view.getUint16(p, true); p += 2; return x; };
  const u32 = () => { need(4); const x = view.getUint32(p, true); p += 4; return x; };
  const i32 = () => { need(4); const x = view.getInt32(p, true); p += 4; return x; };
  const u64 = () => { need(8); const x = view.getBigUint64(p, true); p += 8; if (x > BigInt(len)) err('length larger than the stream', x.toString()); return Number(x); };
  const take = (n: number) => { need(n); const s = bytes.subarray(p, p + n); p += n; return s; };
  const line = () => { const s = p; while (p < len && bytes[p] !== 0x0a) p++; if (p >= len) err('unterminated text line', `at ${s}`); const t = latin1.decode(bytes.subarray(s, p)); p++; return t; };
  const str = (n: number) => { try { return utf8.decode(take(n)); } catch (e) { if (e instanceof CheckpointError) throw e; return err('invalid UTF-8 string', `at ${p}`); } };

  const stack: (PyValue | typeof MARK)[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  const pop = (): PyValue => { if (stack.length === 0 || (marks.length && stack.length <= marks[marks.length - 1]!)) err('stack underflow', `at ${p}`); const v = stack.pop()!; if (v === MARK) err('unexpected mark'); return v as PyValue; };
  const top = (): PyValue => { if (stack.length === 0) err('stack underflow', `at ${p}`); return stack[stack.length - 1] as PyValue; };
  const popMark = (): PyValue[] => { const m = marks.pop(); if (m === undefined) err('no mark on the stack', `at ${p}`); const items = stack.splice(m!) as PyValue[]; return items; };
  const put = (i: number) => { if (memo.size > len) err('memo larger than the stream'); memo.set(i, top()); };
  const get = (i: number) => { if (!memo.has(i)) err('memo key not found', String(i)); return memo.get(i)!; };
  const setItems = (d: PyValue, items: PyValue[]) => {
    if (!(d instanceof Map)) err('SETITEM(S) on a non-dict', typeof d);
    if (items.length % 2) err('odd number of dict items');
    for (let i = 0; i < items.length; i += 2) (d as Map<PyValue, PyValue>).set(items[i]!, items[i + 1]!);
  };
  const callGlobal = (module: string, name: string) => { const c = hooks.findGlobal(module, name); stack.push(c); };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: { const v = u8(); if (v > 5) err('unsupported protocol', String(v)); break; } // PROTO
      case 0x95: take(8); break; // FRAME: framing is advisory
      case 0x2e: { // STOP
        if (stack.length !== 1 || marks.length) err('stack not empty at STOP', `${stack.length} items`);
        checkDepth(stack[0] as PyValue, hooks.maxDepth ?? 64);
        return stack[0] as PyValue;
      }
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x8a: { // LONG1
        const n = u8(); const b = take(n);
        let x = 0n;
        for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]!);
        if (n > 0 && b[n - 1]! & 0x80) x -= 1n << BigInt(8 * n);
        stack.push(x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x);
        break;
      }
      case 0x47: { need(8); const x = view.getFloat64(p, false); p += 8; stack.push(x); break; } // BINFLOAT (big-endian)
      case 0x58: stack.push(str(u32())); break; // BINUNICODE
      case 0x8c: stack.push(str(u8())); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(str(u64())); break; // BINUNICODE8
      case 0x55: stack.push(latin1.decode(take(u8()))); break; // SHORT_BINSTRING
      case 0x54: { const n = i32(); if (n < 0) err('negative string length'); stack.push(latin1.decode(take(n))); break; } // BINSTRING
      case 0x43: stack.push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x42: stack.push(take(u32()).slice()); break; // BINBYTES
      case 0x8e: stack.push(take(u64()).slice()); break; // BINBYTES8
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push([a, b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push([a, b, c]); break; } // TUPLE3
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x61: { const v = pop(); const l = top(); if (!Array.isArray(l)) err('APPEND on a non-list'); (l as PyValue[]).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); const l = top(); if (!Array.isArray(l)) err('APPENDS on a non-list'); for (const it of items) (l as PyValue[]).push(it); break; } // APPENDS
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x64: { const items = popMark(); const d = new Map(); setItems(d, items); stack.push(d); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x71: put(u8()); break; // BINPUT
      case 0x72: put(u32()); break; // LONG_BINPUT
      case 0x94: put(memo.size); break; // MEMOIZE
      case 0x68: stack.push(get(u8())); break; // BINGET
      case 0x6a: stack.push(get(u32())); break; // LONG_BINGET
      case 0x63: { const m = line(); const n = line(); callGlobal(m, n); break; } // GLOBAL
      case 0x93: { const n = pop(); const m = pop(); if (typeof m !== 'string' || typeof n !== 'string') err('STACK_GLOBAL needs two strings'); callGlobal(m as string, n as string); break; }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!hooks.persistentLoad) err('persistent id without a loader');
        stack.push(hooks.persistentLoad!(pid));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop(); const f = pop();
        if (!Array.isArray(args)) err('REDUCE arguments are not a tuple');
        if (!f || typeof f !== 'object' || (f as PyCallable).kind !== 'callable') err('REDUCE on a non-callable');
        stack.push((f as PyCallable).call(args as PyValue[]));
        break;
      }
      case 0x62: { // BUILD
        const state = pop(); const obj = top();
        const out = hooks.build ? hooks.build(obj, state) : obj instanceof Map && state instanceof Map ? obj : err('BUILD on an unsupported object');
        stack[stack.length - 1] = out;
        break;
      }
      default:
        err(`unsupported opcode 0x${op.toString(16).padStart(2, '0')}`, `at offset ${p - 1}`);
    }
  }
}
