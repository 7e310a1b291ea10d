import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isPublicAddress } from './webhook-url.js';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '224.0.0.1', '255.255.255.255',
    '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', 'not an address',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('checkWebhookUrl', () => {
  const resolvesTo = (...addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it.each([
    ['ftp://example.com/x', 'only http and https'],
    ['file:///etc/passwd', 'only http and https'],
    ['not a url', 'not an absolute URL'],
    ['https://user:pw@example.com/', 'user or password'],
    ['http://127.0.0.1:8080/', '127.0.0.1'],
    ['http://10.0.0.1/', '10.0.0.1'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['http://[::1]/', '::1'],
  ])('refuses %s', async (url, reason) => {
    await expect(checkWebhookUrl(url, false, resolvesTo('8.8.8.8'))).rejects.toThrow(reason);
  });

  it('refuses a name when any of its addresses is not public', async () => {
    await expect(checkWebhookUrl('https://mixed.example/', false, resolvesTo('8.8.8.8', '10.1.2.3'))).rejects.toThrow('does not resolve to a public address');
  });

  it('refuses a name that does not resolve with the same words as one that resolves inside, and names no address', async () => {
    const refusal = (url: string, resolver: Parameters<typeof checkWebhookUrl>[2]) => checkWebhookUrl(url, false, resolver).then(() => '', (e: Error) => e.message.replace(/^.*?example /, ''));
    const missing = await refusal('https://db.example/', async () => { throw new Error('ENOTFOUND'); });
    const inside = await refusal('https://db.example/', resolvesTo('10.0.3.7'));
    expect(missing).toContain('does not resolve to a public address');
    expect(inside).toBe(missing);
    expect(inside).not.toContain('10.0.3.7');
  });

  it('accepts a public name, and a private one only when allowed', async () => {
    await expect(checkWebhookUrl('https://hooks.example/k', false, resolvesTo('93.184.216.34'))).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl('http://127.0.0.1:9/k', true)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl('ftp://127.0.0.1/k', true)).rejects.toThrow('only http');
  });
});
