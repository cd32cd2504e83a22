/**
 * Who is asking, for per-client limits. The socket's address by default: headers are written by the
 * client and prove nothing. Behind a reverse proxy every socket is the proxy, so with `--trust-proxy`
 * the address comes from `X-Forwarded-For` instead, taking its LAST entry: the one our own proxy
 * appended. Earlier entries were sent by the client and may be invented.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Context } from 'hono';

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded && isIP(forwarded)) return clientKey(forwarded);
  }
  // The socket @hono/node-server passes in `c.env` (what its getConnInfo reads); app.request() in tests has none.
  const bindings = c.env as NodeBindings | undefined;
  const address = (bindings?.server ?? bindings)?.incoming?.socket?.remoteAddress;
  return address ? clientKey(address) : 'unknown';
}

interface NodeBindings {
  server?: NodeBindings;
  incoming?: IncomingMessage;
}

/**
 * One key per client: an IPv4 address, or an IPv6 /64 (one household or host usually holds a whole /64,
 * so per-address limits would be trivial to dodge). IPv4-mapped IPv6 counts as IPv4.
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => Number.parseInt(g, 16).toString(16)).join(':')}::/64`;
}
