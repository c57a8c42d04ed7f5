import type { IncomingMessage } from "node:http";

/** The client's address: the socket's, or with TRUST_PROXY the one the proxy reports. */
export function clientIpOf(req: IncomingMessage, request: Request, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? "unknown";
}

/** Whether the request came over https (directly or, with TRUST_PROXY, through a proxy). */
export function isSecure(request: Request, trustProxy: boolean): boolean {
  if (trustProxy && request.headers.get("x-forwarded-proto") === "https") return true;
  return new URL(request.url).protocol === "https:";
}

/** The origin the browser reached this API at: scheme (https when the proxy says so) and Host. */
export function ownOrigin(req: IncomingMessage, trustProxy: boolean): string {
  const encrypted = "encrypted" in req.socket && req.socket.encrypted === true;
  const forwarded =
    trustProxy && req.headers["x-forwarded-proto"]?.toString().split(",")[0]?.trim() === "https";
  return `${encrypted || forwarded ? "https" : "http"}://${req.headers.host ?? "localhost"}`;
}
