import { Client, fetchExchange } from "@urql/core";
import { makeDefaultStorage } from "@urql/exchange-graphcache/default-storage";
import { session } from "../auth/session";
import { createAuthFetch } from "./auth-fetch";
import { createCacheExchange } from "./cache";
import { graphqlUrl, streamUrl } from "./endpoint";
import { persistedOperationsEnabled, persistedOperationsExchange } from "./persisted";
import { createSseSubscriber } from "./sse-subscription";

// The one urql client of the app, and the one way to subscribe (graphql-sse, outside urql: the stream
// store assembles answers and refetches the final message, so subscriptions need no cache).

export const cacheStorage = makeDefaultStorage({ idbName: "xqt5-graphcache", maxAge: 30 });

const persisted = persistedOperationsEnabled ? [persistedOperationsExchange] : [];

export const client = new Client({
  url: graphqlUrl,
  fetch: createAuthFetch(session),
  requestPolicy: "cache-and-network",
  exchanges: [
    createCacheExchange(cacheStorage),
    // Persisted hashes go on after the cache, which rebuilds operations (and drops extensions).
    ...persisted,
    fetchExchange,
  ],
});

export const subscribe = createSseSubscriber({
  url: streamUrl,
  persisted: persistedOperationsEnabled,
  headers: async (): Promise<Record<string, string>> => {
    await session.settled();
    const token = session.accessToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  },
});
