import { describe, expect, it } from 'vitest';
import { metadataProblem, normalizeCidr } from './key-restriction-rules.js';

describe('normalizeCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['192.0.2.7', '192.0.2.7/32'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['::1', '::1/128'],
    ['0.0.0.0/0', '0.0.0.0/0'],
  ])('%s is stored as %s', (input, stored) => {
    expect(normalizeCidr(input)).toBe(stored);
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0/8', 'example.com', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8', '', 42, null])('refuses %s', (input) => {
    expect(normalizeCidr(input)).toBeNull();
  });
});

describe('metadataProblem', () => {
  it('takes a JSON object up to 4 KB', () => {
    expect(metadataProblem({ plan: 'gold', tags: ['a'] })).toBeNull();
    expect(metadataProblem({ big: 'x'.repeat(4000) })).toBeNull();
  });

  it.each([[[]], ['text'], [42], [null]])('refuses %j, which is no object', (value) => {
    expect(metadataProblem(value)).toBe('metadata must be a JSON object');
  });

  it('refuses an object over 4 KB, counting bytes, not characters', () => {
    expect(metadataProblem({ big: 'é'.repeat(2100) })).toMatch(/at most 4096 bytes/);
  });
});
