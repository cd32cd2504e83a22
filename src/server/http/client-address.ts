/**
 * Who is asking, for per-client limits. The socket's address by default: headers are written by the
 * client and prove nothing. Behind a reverse proxy every socket is the proxy, so `--trust-proxy` names
 * the proxies (addresses or CIDRs): only when the socket is one of them is `X-Forwarded-For` read, from
 * the right, skipping the trusted proxies; the first address that is not one of ours is the client.
 * Entries to its left were written by the client and may be invented. Addresses are parsed by
 * ipaddr.js, not by hand (a hand-written parser put `::1` and IPv4-mapped addresses in one bucket).
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import ipaddr from 'ipaddr.js';

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Says whether a peer address is one of the operator's proxies (`--trust-proxy`). */
export interface ProxyTrust {
  trusts(address: Address): boolean;
  /** No proxy trusted: X-Forwarded-For is never read. */
  readonly none: boolean;
}

/** Shorthands accepted by `--trust-proxy` besides addresses and CIDRs. */
const NAMED_RANGES: Record<string, readonly string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
};

/** What one `--trust-proxy` entry must look like, for the error message. */
export const TRUST_PROXY_FORMS = 'an IP address (10.0.0.5, ::1), a CIDR (10.0.0.0/8, fd00::/8) or loopback';

/** Parses a `--trust-proxy` list; throws a RangeError naming the first entry that is neither an address nor a CIDR. */
export function trustedProxies(list: readonly string[]): ProxyTrust {
  const ranges: [Address, number][] = [];
  for (const raw of list) {
    const entry = raw.trim();
    for (const item of NAMED_RANGES[entry.toLowerCase()] ?? [entry]) {
      if (item.includes('/')) {
        if (!ipaddr.isValidCIDR(item)) throw new RangeError(`"${entry}" is not ${TRUST_PROXY_FORMS}`);
        const [network, bits] = ipaddr.parseCIDR(item);
        // An IPv4-mapped IPv6 range is an IPv4 range: peers are compared after ipaddr.process.
        ranges.push(network.kind() === 'ipv6' && (network as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96
          ? [(network as ipaddr.IPv6).toIPv4Address(), bits - 96]
          : [network, bits]);
      } else {
        const address = parseAddress(item);
        if (address === null) throw new RangeError(`"${entry}" is not ${TRUST_PROXY_FORMS}`);
        ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      }
    }
  }
  return {
    none: ranges.length === 0,
    trusts: (address) => ranges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits)),
  };
}

export const NO_PROXY: ProxyTrust = trustedProxies([]);

export function clientAddress(c: Context, trust: ProxyTrust): string {
  const address = clientIp(c, trust);
  return address === null ? 'unknown' : clientKey(address);
}

/** The client's address: the socket's, or X-Forwarded-For's through trusted proxies; null if unknown. */
export function clientIp(c: Context, trust: ProxyTrust): Address | null {
  // The socket @hono/node-server passes in `c.env` (what its getConnInfo reads); app.request() in tests has none.
  const bindings = c.env as NodeBindings | undefined;
  const peer = parseAddress((bindings?.server ?? bindings)?.incoming?.socket?.remoteAddress);
  if (peer === null || trust.none || !trust.trusts(peer)) return peer;
  return forwardedClient(peer, c.req.header('x-forwarded-for'), trust);
}

/**
 * Walks `X-Forwarded-For` from the right (each proxy appends its own peer) while the hops are trusted
 * proxies. A hop that is not an address means a proxy passed the client's header on unchecked: the
 * last trusted hop is then the client, so that garbage never buys a fresh allowance.
 */
export function forwardedClient(peer: Address, header: string | undefined, trust: ProxyTrust): Address {
  let client = peer;
  const hops = header?.split(',') ?? [];
  for (let i = hops.length - 1; i >= 0 && trust.trusts(client); i--) {
    const hop = parseAddress(hops[i]!.trim());
    if (hop === null) break;
    client = hop;
  }
  return client;
}

interface NodeBindings {
  server?: NodeBindings;
  incoming?: IncomingMessage;
}

/** A strict address (dotted quads only for IPv4, no zone), IPv4-mapped IPv6 turned into IPv4; null if not one. */
export function parseAddress(text: string | undefined): Address | null {
  if (text === undefined) return null;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!ipaddr.IPv6.isValid(text) || text.includes('%')) return null;
  return ipaddr.process(text);
}

/**
 * One key per client: an IPv4 address, or an IPv6 /64 (one household or host usually holds a whole /64,
 * so per-address limits would be trivial to dodge). IPv4-mapped IPv6 (`::ffff:a.b.c.d`, in any of its
 * spellings) counts as that IPv4 address, and the IPv6 loopback `::1` as itself, not as the `::/64`
 * network it sits in.
 */
export function clientKey(address: Address | string): string {
  const parsed = typeof address === 'string' ? parseAddress(address) : address;
  if (parsed === null) return 'unknown';
  if (parsed.kind() === 'ipv4') return parsed.toString();
  if (parsed.range() === 'loopback') return '::1';
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}
