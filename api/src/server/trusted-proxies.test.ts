import { describe, expect, it } from "vitest";
import { createProxyTrust, parseTrustedProxies } from "./trusted-proxies.js";

describe("TRUST_PROXY", () => {
  it("is a hop count (true: one, false/0: none) or a list of proxy addresses and subnets", () => {
    expect(parseTrustedProxies(undefined)).toEqual({ hops: 0 });
    expect(parseTrustedProxies("false")).toEqual({ hops: 0 });
    expect(parseTrustedProxies("0")).toEqual({ hops: 0 });
    expect(parseTrustedProxies("true")).toEqual({ hops: 1 });
    expect(parseTrustedProxies("2")).toEqual({ hops: 2 });
    expect(parseTrustedProxies("10.0.0.5, 172.16.0.0/12, ::1")).toEqual({
      addresses: ["10.0.0.5", "172.16.0.0/12", "::1"],
    });
    expect(parseTrustedProxies("proxy.local")).toMatch(/neither a hop count/);
    expect(parseTrustedProxies("10.0.0.0/33")).toMatch(/neither a hop count/);
  });

  it("takes the client from the right end of X-Forwarded-For: a spoofed leftmost entry changes nothing", () => {
    const one = createProxyTrust({ hops: 1 });
    // nginx appends the address that connected to it; the client wrote everything before that.
    expect(one.clientAddress("10.0.0.5", "6.6.6.6, 203.0.113.7")).toBe("203.0.113.7");
    expect(one.clientAddress("10.0.0.5", "1.2.3.4, 6.6.6.6, 203.0.113.7")).toBe("203.0.113.7");
    expect(one.clientAddress("10.0.0.5", null)).toBe("10.0.0.5");
    expect(createProxyTrust({ hops: 2 }).clientAddress("10.0.0.5", "6.6.6.6, 203.0.113.7, 10.0.0.9")).toBe(
      "203.0.113.7",
    );
    // No proxy trusted: the peer, whatever the header says.
    expect(createProxyTrust({ hops: 0 }).clientAddress("::ffff:203.0.113.7", "6.6.6.6")).toBe("203.0.113.7");
  });

  it("with addresses, skips the trusted proxies from the right; an untrusted peer is the client", () => {
    const listed = createProxyTrust({ addresses: ["10.0.0.0/8"] });
    expect(listed.clientAddress("10.0.0.5", "6.6.6.6, 203.0.113.7, 10.1.2.3")).toBe("203.0.113.7");
    expect(listed.clientAddress("198.51.100.1", "6.6.6.6")).toBe("198.51.100.1");
    expect(listed.peerIsTrusted("::ffff:10.9.9.9")).toBe(true);
    expect(listed.peerIsTrusted("198.51.100.1")).toBe(false);
  });
});
