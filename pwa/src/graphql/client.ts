import { Client, fetchExchange, subscriptionExchange } from "@urql/core";
import { makeDefaultStorage } from "@urql/exchange-graphcache/default-storage";
import type { Client as SseClient } from "graphql-sse";
import { session } from "../auth/session";
import { createAuthFetch } from "./auth-fetch";
import { createCacheExchange } from "./cache";
import { graphqlUrl, streamUrl } from "./endpoint";
import { persistedOperationsEnabled, persistedOperationsExchange } from "./persisted";

// The one urql client of the app.

export const cacheStorage = makeDefaultStorage({ idbName: "xqt5-graphcache", maxAge: 30 });

let sseClient: Promise<SseClient> | undefined;

// graphql-sse is loaded with the first subscription, keeping it out of the first screen's bundle.
// It never retries by itself: a repeated subscription starts again from the whole text, which the stream
// store must know about, so the store does the resubscribing.
function loadSseClient(): Promise<SseClient> {
  sseClient ??= import("graphql-sse").then(({ createClient }) =>
    createClient({
      url: streamUrl,
      credentials: "include",
      retryAttempts: 0,
      headers: async (): Promise<Record<string, string>> => {
        await session.settled();
        const token = session.accessToken();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    }),
  );
  return sseClient;
}

const persisted = persistedOperationsEnabled ? [persistedOperationsExchange] : [];

export const client = new Client({
  url: graphqlUrl,
  fetch: createAuthFetch(session),
  requestPolicy: "cache-and-network",
  exchanges: [
    // Persisted hashes go on after the cache, which rebuilds operations (and drops extensions); and
    // before the subscriptions, which do not pass the cache.
    ...persisted,
    // Subscriptions bypass the cache: the stream store assembles the text and refetches the final message.
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe(sink) {
          let dispose = () => {};
          let closed = false;
          loadSseClient().then(
            (sse) => {
              if (closed) return;
              const { query = "", variables, extensions } = request;
              dispose = sse.subscribe({ query, variables, extensions }, sink);
            },
            (error: unknown) => sink.error(error),
          );
          return {
            unsubscribe() {
              closed = true;
              dispose();
            },
          };
        },
      }),
    }),
    createCacheExchange(cacheStorage),
    ...persisted,
    fetchExchange,
  ],
});
