import type { TypedDocumentNode } from "@urql/core";
import type { createClient, ExecutionResult } from "graphql-sse";
import { operationParams } from "./persisted";

// Subscriptions over graphql-sse, driven directly rather than through urql: whoever follows one must
// learn when the server ends it (at shutdown it ends open streams, so clients follow on another
// replica) and that the connection is alive while nothing but keep-alives arrive — urql shows
// neither. graphql-sse never retries by itself here: a repeated subscription starts again from the
// beginning, which its follower must know about, so the follower does the resubscribing.

export interface SubscriptionHandlers<TData> {
  next(data: TData): void;
  /** The subscription failed: the server's error code, or undefined when the network failed. */
  error(code: string | undefined): void;
  /** The server ended the subscription. */
  complete(): void;
  /** Bytes arrived: an event, or a keep-alive comment (the server sends one about every 12 s). */
  activity(): void;
}

export interface SseSubscriberOptions {
  url: string;
  headers(): Promise<Record<string, string>>;
  fetch?: typeof fetch;
  /** Name the persisted hash instead of sending the operation's text. */
  persisted?: boolean;
  /** graphql-sse's createClient, loaded with the first subscription (it is not needed on the first screen). */
  loadClient?: () => Promise<typeof createClient>;
}

/** A fetch that reports the response and every chunk of its body as it arrives. */
export function fetchReportingActivity(fetchImpl: typeof fetch, onActivity: () => void): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    onActivity();
    if (!response.body) return response;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onActivity();
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

function firstCode(result: ExecutionResult<unknown, unknown>): string | undefined {
  const code = result.errors?.find((error) => error.extensions?.code)?.extensions?.code;
  return typeof code === "string" ? code : result.errors?.length ? "UNKNOWN" : undefined;
}

export function createSseSubscriber(options: SseSubscriberOptions) {
  const loadClient =
    options.loadClient ?? (() => import("graphql-sse").then((module) => module.createClient));
  const baseFetch = options.fetch ?? ((input, init) => fetch(input, init));

  /** Subscribes; the returned function ends the subscription (no handler is called after it). */
  return function subscribe<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    handlers: SubscriptionHandlers<TData>,
  ): () => void {
    let closed = false;
    let dispose = () => {};
    const unlessClosed =
      <T extends unknown[]>(handler: (...args: T) => void) =>
      (...args: T) => {
        if (!closed) handler(...args);
      };
    // An error or the end is the last thing a follower hears.
    const ending =
      <T extends unknown[]>(handler: (...args: T) => void) =>
      (...args: T) => {
        if (closed) return;
        closed = true;
        handler(...args);
      };
    const activity = unlessClosed(handlers.activity);
    loadClient().then(
      (createClient) => {
        if (closed) return;
        // One client per subscription: its fetch knows whose bytes arrive.
        const client = createClient({
          url: options.url,
          credentials: "include",
          retryAttempts: 0,
          headers: options.headers,
          fetchFn: fetchReportingActivity(baseFetch, activity),
        });
        const { query = "", ...params } = operationParams(document, variables, options.persisted);
        const unsubscribe = client.subscribe<TData, unknown>(
          { query, ...params },
          {
            next: unlessClosed((result: ExecutionResult<TData, unknown>) => {
              const code = firstCode(result);
              if (code) ending(handlers.error)(code);
              else if (result.data) handlers.next(result.data);
            }),
            error: ending(() => handlers.error(undefined)),
            complete: ending(handlers.complete),
          },
        );
        dispose = () => {
          unsubscribe();
          client.dispose();
        };
      },
      ending(() => handlers.error(undefined)),
    );
    return () => {
      closed = true;
      dispose();
    };
  };
}

export type SseSubscriber = ReturnType<typeof createSseSubscriber>;
