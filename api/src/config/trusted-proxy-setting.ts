import { isIP } from "node:net";

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

/** An address or a CIDR subnet of TRUST_PROXY, or null when it is neither. */
export function subnetOf(entry: string): { address: string; prefix: number; type: "ipv4" | "ipv6" } | null {
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
