import type { Plugin } from "graphql-yoga";

/**
 * Set-Cookie values that resolvers hand to the response (the refresh-token cookie): `cookiesFor`
 * gives a request's list, which the plugin appends to its response.
 */
export function useResponseCookies(): { plugin: Plugin; cookiesFor(request: Request): string[] } {
  const cookies = new WeakMap<Request, string[]>();
  return {
    cookiesFor(request) {
      let list = cookies.get(request);
      if (!list) {
        list = [];
        cookies.set(request, list);
      }
      return list;
    },
    plugin: {
      onResponse({ request, response }) {
        for (const cookie of cookies.get(request) ?? []) response.headers.append("set-cookie", cookie);
      },
    },
  };
}
