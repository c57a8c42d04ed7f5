import { BlockList, isIP } from "node:net";

/**
 * TRUST_PROXY: which reverse proxies in front of the API may tell it the client's address (through
 * X-Forwarded-For) and that the connection was https (X-Forwarded-Proto). Either a number of hops —
 * `true` is one, `false`/`0` none — or the proxies' addresses and subnets.
 */
export type TrustedProxies = { hops: number } | { addresses: string[] };

/** Parses TRUST_PROXY: true|false|yes|no, a hop count, or a comma list of addresses and CIDR subnets. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies | string {
  const text = (value ?? "false").trim().toLowerCase();
  if (["false", "no", "0"].includes(text)) return { hops: 0 };
  if (["true", "yes"].includes(text)) return { hops: 1 };
  if (/^\d+$/.test(text)) return Number(text) <= 10 ? { hops: Number(text) } : "must be at most 10 hops";
  const addresses = text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const wrong = addresses.find((entry) => subnetOf(entry) === null);
  return wrong ? `"${wrong}" is neither a hop count nor an IP address or subnet` : { addresses };
}

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

function subnetOf(entry: string): { address: string; prefix: number; type: "ipv4" | "ipv6" } | null {
  const [address = "", prefixText] = entry.split("/");
  const family = isIP(address);
  if (family === 0) return null;
  const max = family === 6 ? 128 : 32;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > max ||
    (prefixText !== undefined && !/^\d+$/.test(prefixText))
  )
    return null;
  return { address, prefix, type: family === 6 ? "ipv6" : "ipv4" };
}

const withoutIpv4Mapping = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
