import { describe, expect, it } from 'vitest';
import { jsonBodyProblem } from './strict-json.js';

describe('jsonBodyProblem', () => {
  it.each([
    [{ description: 'fine', rights: ['RIGHT_USER_INFO'] }, null],
    [JSON.parse('['.repeat(5000) + ']'.repeat(5000)), 'nested'],
    [{ a: { b: { c: 'x\u0000y' } } }, 'NUL'],
    [{ description: '\ud800' }, 'Unicode'],
    [{ ['\udc00key']: 1 }, 'Unicode'],
    [{ description: 'emoji 🔑 is fine' }, null],
  ])('%#', (value, expected) => {
    const sut = jsonBodyProblem(value);
    if (expected === null) expect(sut).toBeNull();
    else expect(sut).toContain(expected);
  });
});
