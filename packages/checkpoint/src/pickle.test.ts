import { describe, expect, it } from 'vitest';
import { CheckpointError } from '@rpn/core';
import { forbiddenGlobal, unpickle, type PyCallable } from './pickle.js';

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const noGlobals = { findGlobal: (m: string, n: string): PyCallable => forbiddenGlobal(m, n) };

describe('restricted unpickler', () => {
  it('reads plain data of protocol 2 and 4', () => {
    // pickle.dumps({'a': [1, 2.5, None, True], 'b': (b'xy', -3, 70000, 2**40)}, protocol=2)
    const p2 = Uint8Array.from([128, 2, 125, 113, 0, 40, 88, 1, 0, 0, 0, 97, 113, 1, 93, 113, 2, 40, 75, 1, 71, 64, 4, 0, 0, 0, 0, 0, 0, 78, 136, 101, 88, 1, 0, 0, 0, 98, 113, 3, 99, 95, 99, 111, 100, 101, 99, 115, 10, 101, 110, 99, 111, 100, 101, 10, 113, 4, 88, 2, 0, 0, 0, 120, 121, 113, 5, 88, 6, 0, 0, 0, 108, 97, 116, 105, 110, 49, 113, 6, 134, 113, 7, 82, 113, 8, 74, 253, 255, 255, 255, 74, 112, 17, 1, 0, 138, 6, 0, 0, 0, 0, 0, 1, 116, 113, 9, 117, 46]);
    // protocol 2 pickles bytes via _codecs.encode: that global is refused
    expect(() => unpickle(p2, noGlobals)).toThrow(/_codecs\.encode/);
    // pickle.dumps({'a': [1, 2.5, None, True], 'b': (-3, 70000, 2**40, 'é')}, protocol=4)
    const p4 = Uint8Array.from([128, 4, 149, 51, 0, 0, 0, 0, 0, 0, 0, 125, 148, 40, 140, 1, 97, 148, 93, 148, 40, 75, 1, 71, 64, 4, 0, 0, 0, 0, 0, 0, 78, 136, 101, 140, 1, 98, 148, 40, 74, 253, 255, 255, 255, 74, 112, 17, 1, 0, 138, 6, 0, 0, 0, 0, 0, 1, 140, 2, 195, 169, 148, 116, 148, 117, 46]);
    const v = unpickle(p4, noGlobals) as Map<string, unknown>;
    expect(v.get('a')).toEqual([1, 2.5, null, true]);
    expect(v.get('b')).toEqual([-3, 70000, 2 ** 40, 'é']);
  });

  it('rejects any global not explicitly allowed, naming it', () => {
    const evil = enc('\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00ls\x85R.');
    let err: unknown;
    try { unpickle(evil, noGlobals); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).received).toBe('posix.system');
    expect(() => unpickle(enc('\x80\x04\x8c\x08builtins\x8c\x04eval\x93.'), noGlobals)).toThrow(/builtins\.eval/);
  });

  it('rejects object-building opcodes and unknown opcodes', () => {
    expect(() => unpickle(enc('\x80\x02(i__main__\nX\n.'), noGlobals)).toThrow(/unsupported opcode 0x69/);
    expect(() => unpickle(enc('\x80\x02\x81.'), noGlobals)).toThrow(/unsupported opcode 0x81/);
  });

  it('bounds every claimed length by the real input', () => {
    expect(() => unpickle(enc('\x80\x02X\xff\xff\xff\x7fabc.'), noGlobals)).toThrow(/truncated or oversized/);
    expect(() => unpickle(Uint8Array.from([0x80, 4, 0x8d, 255, 255, 255, 255, 255, 255, 255, 127, 0x2e]), noGlobals)).toThrow(CheckpointError);
    expect(() => unpickle(Uint8Array.from([0x80, 4, 0x8e, 0, 0, 0, 0, 1, 0, 0, 0, 0x2e]), noGlobals)).toThrow(CheckpointError);
  });

  it('malformed streams are typed errors: underflow, bad memo, missing STOP, junk', () => {
    for (const s of ['', '\x80\x02', '\x80\x02t.', '\x80\x02h\x05.', '\x80\x02K\x01K\x02.', '\x80\x02s.', '\x80\x02]K\x01s.', '\x80\x02X\x01\x00\x00\x00\xff.', '\x80\x09.', '\x80\x02)R.']) {
      expect(() => unpickle(enc(s), noGlobals), JSON.stringify(s)).toThrow(CheckpointError);
    }
  });
});
