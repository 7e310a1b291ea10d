import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedDatabase } from '../../src/database/embedded-pool.js';

describe('EmbeddedDatabase answers in the shapes pg does', () => {
  let sut: EmbeddedDatabase;
  beforeAll(async () => {
    sut = await EmbeddedDatabase.open(undefined);
  });
  afterAll(() => sut.close());

  it.each([
    ['bytea as a Buffer', `SELECT '\\x0102'::bytea AS v`, Buffer.from([1, 2])],
    ['bytea[] as Buffers', `SELECT ARRAY['\\x01'::bytea] AS v`, [Buffer.from([1])]],
    ['int8 as a string', 'SELECT 9007199254740993::int8 AS v', '9007199254740993'],
    ['count(*) as a string', 'SELECT count(*) AS v', '1'],
    ['int8[] as strings', 'SELECT ARRAY[1::int8, 2] AS v', ['1', '2']],
    ['numeric as a string', 'SELECT 1.5::numeric AS v', '1.5'],
    ['int4 as a number', 'SELECT 3::int4 AS v', 3],
    ['text[] as an array', `SELECT ARRAY['a', 'b']::text[] AS v`, ['a', 'b']],
  ])('%s', async (_name, sql, expected) => {
    const { rows } = await sut.query(`${sql} WHERE $1::int = 1`, [1]);
    expect((rows[0] as { v: unknown }).v).toEqual(expected);
    if (Buffer.isBuffer(expected)) expect(Buffer.isBuffer((rows[0] as { v: unknown }).v)).toBe(true);
  });

  it('timestamptz as a Date', async () => {
    const { rows } = await sut.query('SELECT now() AS v');
    expect((rows[0] as { v: unknown }).v).toBeInstanceOf(Date);
  });
});
