import type { IncomingMessage } from "node:http";
import type { ProxyTrust } from "./trusted-proxies.js";

/** The client's address: the socket's peer, or the one the trusted proxies report (TRUST_PROXY). */
export function clientIpOf(req: IncomingMessage, trust: ProxyTrust): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  return trust.clientAddress(peer, headerValue(req.headers["x-forwarded-for"]));
}

/** Whether the request came over https (directly or, as a trusted proxy says, before it). */
export function isSecure(req: IncomingMessage, trust: ProxyTrust): boolean {
  if ("encrypted" in req.socket && req.socket.encrypted === true) return true;
  if (!trust.peerIsTrusted(req.socket.remoteAddress ?? "")) return false;
  // Each proxy may append its own; the one nearest to us is the last.
  return headerValue(req.headers["x-forwarded-proto"])?.split(",").at(-1)?.trim() === "https";
}

/** The origin the browser reached this API at: scheme and Host. */
export function ownOrigin(req: IncomingMessage, trust: ProxyTrust): string {
  return `${isSecure(req, trust) ? "https" : "http"}://${req.headers.host ?? "localhost"}`;
}

const headerValue = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value.join(",") : (value ?? null);
