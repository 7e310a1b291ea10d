import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader } from './webhook-signature.js';

describe('signatureHeader', () => {
  it('signs the time and the body with the secret, as a subscriber recomputes it', () => {
    const sut = signatureHeader('whsec_test', '{"a":1}', new Date(1_765_000_000_500));
    const expected = createHmac('sha256', 'whsec_test').update('1765000000.{"a":1}').digest('hex');
    expect(sut).toBe(`t=1765000000,v1=${expected}`);
  });

  it('changes with the body, the time and the secret', () => {
    const at = new Date(1_765_000_000_000);
    const base = signatureHeader('s', 'b', at);
    expect(signatureHeader('s', 'c', at)).not.toBe(base);
    expect(signatureHeader('t', 'b', at)).not.toBe(base);
    expect(signatureHeader('s', 'b', new Date(1_765_000_001_000))).not.toBe(base);
  });
});
