import { hash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shortSha256Into } from './short-sha256.js';

/** SHA-256(text) as eight words, or null when `shortSha256Into` declines the text. */
function shortSha256(text: string): Int32Array | null {
  const out = new Int32Array(8);
  return shortSha256Into(text, out) ? out : null;
}

/** The eight words as the hex digest node:crypto prints. */
const hex = (words: Int32Array) => Array.from(words, (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');

describe('shortSha256Into', () => {
  it('gives the FIPS 180-4 digests of the standard short messages', () => {
    expect(hex(shortSha256('')!)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(shortSha256('abc')!)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('agrees with node:crypto on every length that fits one block, and on random key secrets', () => {
    const inputs = [
      ...Array.from({ length: 56 }, (_, n) => randomBytes(64).toString('base64').slice(0, n)),
      ...Array.from({ length: 500 }, () => randomBytes(40).toString('base64url').toUpperCase().slice(0, 52)),
      'NNSXS.' + '\u007f'.repeat(20),
    ];
    for (const input of inputs) expect(hex(shortSha256(input)!), input).toBe(hash('sha256', input, 'hex'));
  });

  it('hashes nothing longer than one block or beyond ASCII', () => {
    expect(shortSha256('A'.repeat(56))).toBeNull();
    expect(shortSha256('A'.repeat(51) + 'é')).toBeNull();
    expect(shortSha256('A'.repeat(51) + '\u0141')).toBeNull();
  });
});
