import { describe, expect, it } from 'vitest';
import { LruMap } from './lru-map.js';

describe('LruMap', () => {
  it('forgets the least recently used entry beyond its capacity', () => {
    const sut = new LruMap<string, number>(2);
    sut.set('a', 1);
    sut.set('b', 2);
    expect(sut.get('a')).toBe(1); // a is now the most recent
    sut.set('c', 3);
    expect(sut.get('b')).toBeUndefined();
    expect(sut.get('a')).toBe(1);
    expect(sut.get('c')).toBe(3);
    expect(sut.size).toBe(2);
  });

  it('tells who it forgets', () => {
    const evicted: number[] = [];
    const sut = new LruMap<string, number>(1, (value) => evicted.push(value));
    sut.set('a', 1);
    sut.set('b', 2);
    expect(evicted).toEqual([1]);
  });
});
