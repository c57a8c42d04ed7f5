import type { Plugin } from "graphql-yoga";

/**
 * Keeps proxies from buffering or compressing event streams (Nginx honours X-Accel-Buffering;
 * no-transform stops gzip in Traefik and CDNs), so every token reaches the client at once.
 */
export const sseHeadersPlugin: Plugin = {
  onResponse({ response }) {
    if (!response.headers.get("content-type")?.includes("text/event-stream")) return;
    response.headers.set("x-accel-buffering", "no");
    response.headers.set("cache-control", "no-cache, no-transform");
  },
};
