import { serializeResult } from '../../src/runner/scriptRunner';

describe('a script job result', () => {
  it('serializes plain JSON values, undefined as null', () => {
    expect(serializeResult({ a: [1, 'two', null], b: { c: true } })).toBe('{"a":[1,"two",null],"b":{"c":true}}');
    expect(serializeResult(undefined)).toBe('null');
    expect(serializeResult(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
  });

  it.each([
    [{ f: () => 1 }, 'result.f is a function'],
    [[Symbol('s')], 'result[0] is a symbol'],
    [{ n: 10n }, 'result.n is a bigint'],
  ])('refuses %p, saying where', (value, where) => {
    expect(() => serializeResult(value)).toThrow(where);
  });

  it('refuses a result that refers back to itself', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => serializeResult(loop)).toThrow('refers back to itself');
  });
});
