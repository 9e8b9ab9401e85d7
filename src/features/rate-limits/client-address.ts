import ipaddr from 'ipaddr.js';
import type { RequestInfo } from '../../context/request-info';

/**
 * The key a client address is limited under. `clientAddress` honours X-Forwarded-For only from
 * TRUST_PROXY hops (so a spoofed header changes nothing otherwise); IPv4-mapped IPv6 counts as
 * IPv4; an IPv6 address counts by its /64, the block one subscriber usually holds (SEC-11).
 */
export function clientAddressKey(request: RequestInfo): string {
  const raw = request.clientAddress ?? 'unknown';
  if (!ipaddr.isValid(raw)) return raw;
  const address = ipaddr.process(raw);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}
