import { BlockList, isIP } from "node:net";
import { subnetOf, type TrustedProxies } from "../config/trusted-proxy-setting.js";

export { parseTrustedProxies, type TrustedProxies } from "../config/trusted-proxy-setting.js";

export interface ProxyTrust {
  /** The client behind the trusted proxies (the peer itself when there are none). */
  clientAddress(peer: string, forwardedFor: string | null): string;
  /** Whether the peer is a proxy whose X-Forwarded-* headers count. */
  peerIsTrusted(peer: string): boolean;
}

/**
 * Each trusted proxy appends the address that connected to it to X-Forwarded-For, so entries further
 * left are the client's to invent: the client is the address that many hops from the right of the
 * chain (X-Forwarded-For, then the peer), or the first from the right that is no trusted proxy.
 */
export function createProxyTrust(trusted: TrustedProxies): ProxyTrust {
  const chainOf = (peer: string, forwardedFor: string | null) =>
    [
      ...(forwardedFor ?? "")
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
      peer,
    ].map(withoutIpv4Mapping);
  if ("hops" in trusted) {
    return {
      clientAddress: (peer, forwardedFor) => {
        const chain = chainOf(peer, forwardedFor);
        return chain[Math.max(0, chain.length - 1 - trusted.hops)] ?? peer;
      },
      peerIsTrusted: () => trusted.hops > 0,
    };
  }
  const proxies = new BlockList();
  for (const entry of trusted.addresses) {
    const subnet = subnetOf(entry);
    if (subnet) proxies.addSubnet(subnet.address, subnet.prefix, subnet.type);
  }
  const isProxy = (address: string) => {
    const plain = withoutIpv4Mapping(address);
    return isIP(plain) !== 0 && proxies.check(plain, isIP(plain) === 6 ? "ipv6" : "ipv4");
  };
  return {
    clientAddress: (peer, forwardedFor) => {
      const chain = chainOf(peer, forwardedFor);
      for (let index = chain.length - 1; index > 0; index--) {
        if (!isProxy(chain[index] as string)) return chain[index] as string;
      }
      return chain[0] ?? peer;
    },
    peerIsTrusted: isProxy,
  };
}

const withoutIpv4Mapping = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
