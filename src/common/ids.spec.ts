import { describe, expect, it } from 'vitest';
import { canonicalUserId } from './ids.js';

describe('canonicalUserId', () => {
  it('keeps `me` and writes a UUID in lower case, whatever case it came in', () => {
    expect(canonicalUserId('me')).toBe('me');
    expect(canonicalUserId('0F8A2C1E-4B7D-4E3A-9C1B-2D3E4F5A6B7C')).toBe('0f8a2c1e-4b7d-4e3a-9c1b-2d3e4f5a6b7c');
    expect(canonicalUserId('0f8a2c1e-4B7D-4e3a-9c1b-2d3e4f5a6b7c')).toBe('0f8a2c1e-4b7d-4e3a-9c1b-2d3e4f5a6b7c');
  });

  it('names nobody with anything else, even what PostgreSQL would read as a UUID', () => {
    for (const value of ['ME', 'Me', '', 'not-a-uuid', '{0f8a2c1e-4b7d-4e3a-9c1b-2d3e4f5a6b7c}', '0f8a2c1e4b7d4e3a9c1b2d3e4f5a6b7c', 'me\0', ' 0f8a2c1e-4b7d-4e3a-9c1b-2d3e4f5a6b7c']) {
      expect(canonicalUserId(value)).toBeUndefined();
    }
  });
});
