import { isPublicAddress, webhookUrlProblem } from './webhook-target.js';

describe('webhook targets (SSRF)', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1',
    // IPv4 embedded in IPv6 in other spellings and schemes, site-local, local-use NAT64.
    '::ffff:7f00:1', '::ffff:a00:1', '::7f00:1', '::127.0.0.1', '::', '2002:7f00:1::1', '2002:808:808::1', 'fec0::1', 'feff::1', '64:ff9b::a00:1', '64:ff9b:1::a00:1'])(
    'treats %s as private',
    (address) => expect(isPublicAddress(address)).toBe(false),
  );

  it.each(['8.8.8.8', '141.1.1.1', '2a00:1450:4001:82a::200e', '::ffff:8.8.8.8'])('treats %s as public', (address) => expect(isPublicAddress(address)).toBe(true));

  it('refuses http, credentials and private or loopback hosts unless private targets are allowed', async () => {
    const strict = { allowPrivate: false };
    expect(await webhookUrlProblem('http://8.8.8.8/hook', strict)).toBe('must use https');
    expect(await webhookUrlProblem('https://user:pw@8.8.8.8/hook', strict)).toBe('must not contain credentials');
    expect(await webhookUrlProblem('https://127.0.0.1/hook', strict)).toBe('must not point to a private, loopback or link-local address');
    expect(await webhookUrlProblem('https://[::1]:8443/hook', strict)).toBe('must not point to a private, loopback or link-local address');
    expect(await webhookUrlProblem('https://localhost/hook', strict)).toBe('must not point to a private, loopback or link-local address');
    expect(await webhookUrlProblem('ftp://8.8.8.8/hook', strict)).toBe('must use https');
    expect(await webhookUrlProblem('nicht einmal eine URL', strict)).toBe('must be an absolute URL');
    expect(await webhookUrlProblem('https://8.8.8.8/hook', strict)).toBeNull();
    expect(await webhookUrlProblem('http://127.0.0.1:9999/hook', { allowPrivate: true })).toBeNull();
  });
});
