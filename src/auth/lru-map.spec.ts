import { describe, expect, it } from 'vitest';
import { LruMap } from './lru-map.js';

interface Value {
  n: number;
  lruUsed: boolean;
}
const value = (n: number): Value => ({ n, lruUsed: false });

describe('LruMap', () => {
  it('forgets the least recently used entry beyond its capacity', () => {
    const sut = new LruMap<string, Value>(2);
    sut.set('a', value(1));
    sut.set('b', value(2));
    expect(sut.get('a')?.n).toBe(1); // a is now the most recent
    sut.set('c', value(3));
    expect(sut.get('b')).toBeUndefined();
    expect(sut.get('a')?.n).toBe(1);
    expect(sut.get('c')?.n).toBe(3);
    expect(sut.size).toBe(2);
  });

  it('tells who it forgets', () => {
    const evicted: number[] = [];
    const sut = new LruMap<string, Value>(1, (v) => evicted.push(v.n));
    sut.set('a', value(1));
    sut.set('b', value(2));
    expect(evicted).toEqual([1]);
  });
});
