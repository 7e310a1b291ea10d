import { describe, expect, it } from 'vitest';
import { FailureThrottle } from './failure-throttle.js';

describe('FailureThrottle', () => {
  it('blocks a key past its limit until the window ends, and no other key', () => {
    const sut = new FailureThrottle(3, 60_000);
    for (let i = 0; i < 3; i++) {
      expect(sut.blockedFor('a', 1000)).toBe(0);
      sut.fail('a', 1000);
    }
    expect(sut.blockedFor('a', 1000)).toBe(60);
    expect(sut.blockedFor('a', 31_000)).toBe(30);
    expect(sut.blockedFor('b', 1000)).toBe(0);
    expect(sut.blockedFor('a', 61_000)).toBe(0);
  });

  it('forgets a key on success', () => {
    const sut = new FailureThrottle(1, 60_000);
    sut.fail('a', 0);
    sut.forget('a');
    expect(sut.blockedFor('a', 0)).toBe(0);
  });

  it("blocks a key until a given time, as another instance's count said, and never shortens a block", () => {
    const sut = new FailureThrottle(5, 60_000);
    sut.block('a', 30_000);
    expect(sut.blockedFor('a', 0)).toBe(30);
    sut.block('a', 10_000);
    expect(sut.blockedFor('a', 0)).toBe(30);
    expect(sut.blockedFor('a', 30_000)).toBe(0);
  });
});
