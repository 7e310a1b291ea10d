import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchReader, BatchReadTimeout } from './batch-reader.js';
import { isDatabaseUnavailable } from './database-errors.js';

interface Row {
  id: string;
  n: number;
}

function makeReader(delayMs = 0, read = async (ids: string[]): Promise<Row[]> => ids.filter((id) => !id.startsWith('gone')).map((id) => ({ id, n: ids.length }))) {
  const spy = vi.fn(read);
  return { reader: new BatchReader<Row>(spy, delayMs), read: spy };
}

describe('BatchReader', () => {
  afterEach(() => vi.useRealTimers());

  it('reads the ids asked for in one turn of the event loop in one query, each id once', async () => {
    const { reader, read } = makeReader();
    const rows = await Promise.all([reader.load('a'), reader.load('b'), reader.load('a'), reader.load('gone-1')]);
    expect(read).toHaveBeenCalledTimes(1);
    expect(read.mock.calls[0]![0]).toEqual(['a', 'b', 'gone-1']);
    expect(rows).toEqual([{ id: 'a', n: 3 }, { id: 'b', n: 3 }, { id: 'a', n: 3 }, undefined]);
  });

  it('never lets a later request join a read already sent: it gets a read of its own', async () => {
    let answer: (rows: Row[]) => void = () => undefined;
    const { reader, read } = makeReader(0, () => new Promise<Row[]>((resolve) => (answer = resolve)));
    const first = reader.load('a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(read).toHaveBeenCalledTimes(1);
    const second = reader.load('a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(read).toHaveBeenCalledTimes(2);
    answer([{ id: 'a', n: 2 }]);
    expect(await second).toEqual({ id: 'a', n: 2 });
    expect(first).not.toBe(second);
  });

  it('gathers the ids asked for while two reads are under way into the next read', async () => {
    const answers: Array<() => void> = [];
    const { reader, read } = makeReader(0, (ids) => new Promise<Row[]>((resolve) => answers.push(() => resolve(ids.map((id) => ({ id, n: ids.length }))))));
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const first = reader.load('a');
    await turn();
    const second = reader.load('b');
    await turn();
    const later = ['c', 'd', 'e'].map((id) => reader.load(id));
    await turn();
    expect(read).toHaveBeenCalledTimes(2);
    answers[0]!();
    expect(await first).toEqual({ id: 'a', n: 1 });
    await turn();
    await turn();
    expect(read).toHaveBeenCalledTimes(3);
    expect(read.mock.calls[2]![0]).toEqual(['c', 'd', 'e']);
    answers[1]!();
    answers[2]!();
    expect(await Promise.all([second, ...later])).toEqual([{ id: 'b', n: 1 }, { id: 'c', n: 3 }, { id: 'd', n: 3 }, { id: 'e', n: 3 }]);
  });

  it('fails every caller of a read that fails, whether it rejects or throws', async () => {
    const failure = new Error('database away');
    for (const read of [async () => Promise.reject(failure), () => { throw failure; }]) {
      const { reader } = makeReader(0, read as (ids: string[]) => Promise<Row[]>);
      const results = await Promise.allSettled([reader.load('a'), reader.load('b')]);
      expect(results).toEqual([{ status: 'rejected', reason: failure }, { status: 'rejected', reason: failure }]);
    }
  });

  it('fails the callers of a read that does not answer in time, as the database being away, and frees its place', async () => {
    let calls = 0;
    const read = (ids: string[]) => (++calls <= 2 ? new Promise<Row[]>(() => undefined) : Promise.resolve(ids.map((id) => ({ id, n: 0 }))));
    const reader = new BatchReader<Row>(read, 0, 50);
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const hung = [reader.load('a'), reader.load('b')].map((p) => p.catch((error: unknown) => error));
    await turn();
    const second = reader.load('c').catch((error: unknown) => error);
    await turn();
    const waiting = reader.load('d');
    for (const error of [...(await Promise.all(hung)), await second]) {
      expect(error).toBeInstanceOf(BatchReadTimeout);
      expect(isDatabaseUnavailable(error)).toBe(true);
    }
    expect(await waiting).toEqual({ id: 'd', n: 0 });
    expect(calls).toBe(3);
  });

  it('asks for at most 1,000 ids per query', async () => {
    const { reader, read } = makeReader();
    const rows = await Promise.all(Array.from({ length: 2500 }, (_, i) => reader.load(`k${i}`)));
    expect(read.mock.calls.map(([ids]) => ids.length)).toEqual([1000, 1000, 500]);
    expect(rows.every((row, i) => row?.id === `k${i}`)).toBe(true);
  });

  it('with a delay, gathers the ids asked for within it', async () => {
    vi.useFakeTimers();
    const { reader, read } = makeReader(200);
    const first = reader.load('a');
    await vi.advanceTimersByTimeAsync(150);
    const second = reader.load('b');
    expect(read).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(50);
    expect(read).toHaveBeenCalledTimes(1);
    expect(await Promise.all([first, second])).toEqual([{ id: 'a', n: 2 }, { id: 'b', n: 2 }]);
  });
});
