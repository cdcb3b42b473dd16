import { lookup } from 'node:dns/promises';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Addresses a webhook may never reach in production: loopback, private, link-local, carrier NAT, multicast, reserved. */
const blocked = new BlockList();
// Apart: node's BlockList applies IPv4-mapped IPv6 rules to IPv4 addresses too, which would block every one of them.
const blockedV6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
// IPv6 that embeds or translates to an IPv4 address (compatible, mapped, 6to4, NAT64) is blocked whole: the
// embedded address could be a private one. Plus site-local (deprecated, still routed in some networks).
for (const [net, prefix] of [
  ['::', 96], ['::1', 128], ['::ffff:0:0', 96], ['2002::', 16], ['64:ff9b::', 96], ['64:ff9b:1::', 48],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) blockedV6.addSubnet(net, prefix, 'ipv6');

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  // An IPv4-mapped address reaches the IPv4 address it names: public exactly when that one is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ? isPublicAddress(mapped[1]) : !blockedV6.check(address, 'ipv6');
}

export interface TargetPolicy {
  /** Tests and local development: http and private addresses allowed (WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
}

/** A registration waits this long for DNS, not as long as the system resolver might. */
const DNS_TIMEOUT_MS = 5000;

/** The host's addresses; [] when it does not resolve, null when the resolver did not answer in time. */
async function lookupWithin(host: string, ms: number): Promise<string[] | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  const resolved = lookup(host, { all: true, verbatim: true }).then((all) => all.map((a) => a.address), () => []);
  try {
    return await Promise.race([resolved, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What is wrong with a webhook URL under `policy`, or null; resolves the host to check every address it names. */
export async function webhookUrlProblem(raw: string, policy: TargetPolicy): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (policy.allowPrivate) return null;
  if (url.protocol !== 'https:') return 'must use https';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await lookupWithin(host, DNS_TIMEOUT_MS);
  if (addresses === null) return `names a host that did not resolve within ${DNS_TIMEOUT_MS / 1000} s`;
  if (addresses.length === 0) return 'names a host that does not resolve';
  if (!addresses.every(isPublicAddress)) return 'must not point to a private, loopback or link-local address';
  return null;
}

/** DNS lookup for the request itself, refusing private addresses: a host cannot switch to one after the check. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { all: true, verbatim: true }).then(
    (all) => {
      const allowed = all.filter((a) => isPublicAddress(a.address));
      if (allowed.length === 0 || allowed.length !== all.length) {
        callback(Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATE' }), '', 0);
        return;
      }
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: typeof allowed) => void)(null, allowed);
      else callback(null, allowed[0]?.address ?? '', allowed[0]?.family ?? 4);
    },
    (error: NodeJS.ErrnoException) => callback(error, '', 0),
  );
};

export interface PostResult {
  status: number;
}

/** What of a receiver's answer is read: enough to see it ended; the rest is not ours to buffer. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs `body` and resolves with the status (any) once the answer ended or `MAX_ANSWER_BYTES` of it arrived;
 * rejects on network errors and when the whole exchange, DNS to the last byte, takes longer than `timeoutMs`.
 */
export function postJson(rawUrl: string, body: string, headers: Record<string, string>, timeoutMs: number, policy: TargetPolicy): Promise<PostResult> {
  const url = new URL(rawUrl);
  const deadline = AbortSignal.timeout(timeoutMs);
  const options: RequestOptions = {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'ki-marktplatz-webhooks', ...headers },
    signal: deadline,
    ...(policy.allowPrivate ? {} : { lookup: publicOnlyLookup }),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(deadline.aborted ? new Error(`no complete answer within ${timeoutMs} ms`) : error);
    const req = send(url, options, (res) => {
      let read = 0;
      const done = () => {
        resolve({ status: res.statusCode ?? 0 });
        res.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= MAX_ANSWER_BYTES) done();
      });
      res.on('end', done);
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(body);
  });
}
