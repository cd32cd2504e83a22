/**
 * `--shared-networks`: the networks where many pupils share one address (a school's NAT, a region's
 * school network, a carrier-grade NAT), named by the operator. The line is fair between addresses
 * (stores/fair-round.ts): an address's k-th waiting ticket goes k rounds back. That holds 1,000 attacker
 * addresses to 1 % of the pupils' places, but a school's NAT looks exactly like an attacker's address:
 * in the flood model its pupils waited 66.5 min instead of 29 on an ordinary morning, 288 min under
 * attack (docs/defences.md). A join from a listed network is therefore its own client: plain join order.
 * Only the order changes; the join limit and the proof of work still count per address.
 */
import ipaddr from 'ipaddr.js';
import { clientKey, parseAddress, type Address } from './client-address.js';

/** What `--shared-networks` takes, for the error message. */
export const SHARED_NETWORKS_FORMS = 'give CIDRs (192.0.2.0/24, 2001:db8::/48) or addresses, comma-separated';

/** Says whether an address is in one of the operator's shared networks. */
export interface SharedNetworks {
  covers(address: Address): boolean;
}

/** Parses a `--shared-networks` list; throws a RangeError naming the first entry that is not a network. */
export function sharedNetworks(list: readonly string[]): SharedNetworks {
  const networks = list.map((entry) => {
    const network = parseNetwork(entry.trim());
    if (network === null) throw new RangeError(`"${entry.trim()}" is not an IPv4 or IPv6 network`);
    return network;
  });
  return {
    covers: (address) => networks.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits)),
  };
}

/**
 * The key a join is placed in line by: none for an address in a shared network (its ticket is its own
 * client), else its client key (an IPv4 address, an IPv6 /64: the bucket the join limit counts).
 */
export function lineClientKey(address: Address | null, shared: SharedNetworks): string | undefined {
  if (address !== null && shared.covers(address)) return undefined;
  return address === null ? 'unknown' : clientKey(address);
}

/**
 * A CIDR or a lone address (its /32 or /128), the address part as strict as parseAddress (dotted quads
 * only: ipaddr.js alone reads `0300.1.2.0/24` as octal). An IPv4-mapped IPv6 range is the IPv4 range,
 * since peers are compared after parseAddress turns mapped addresses into IPv4.
 */
function parseNetwork(entry: string): [Address, number] | null {
  const [text, bitsText, extra] = entry.split('/');
  const address = parseAddress(text);
  if (address === null || extra !== undefined) return null;
  // `::ffff:a.b.c.d/120` came back as IPv4 from parseAddress: its prefix counts the 96 bits before.
  const mapped = address.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(text!);
  const max = address.kind() === 'ipv4' && !mapped ? 32 : 128;
  if (bitsText === undefined) return [address, address.kind() === 'ipv4' ? 32 : 128];
  if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > max) return null;
  const bits = Number(bitsText);
  if (mapped) return bits >= 96 ? [address, bits - 96] : null;
  return [address, bits];
}
