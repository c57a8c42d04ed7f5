import { createClient } from "graphql-sse";

export interface StreamEventResult {
  __typename: "MessageDelta" | "MessageCompleted" | "MessageFailed";
  text?: string;
  code?: string;
  errorMessage?: string;
  message?: { id: string; content: string; status: string };
}

export const MESSAGE_STREAM = /* GraphQL */ `
  subscription($messageId: ID!) {
    messageStream(messageId: $messageId) {
      __typename
      ... on MessageDelta { text }
      ... on MessageCompleted { message { id content status } }
      ... on MessageFailed { code errorMessage: message }
    }
  }
`;

export interface FollowedAnswer {
  events: StreamEventResult[];
  text: string;
  last: StreamEventResult | undefined;
  errors: unknown[];
}

/**
 * Subscribes to messageStream with graphql-sse's own client (distinct connections mode) at
 * /graphql/stream and collects every event until the stream ends. `stopAfter` ends early.
 */
export async function followAnswer(
  baseUrl: string,
  token: string,
  messageId: string,
  options: { stopAfter?: (events: StreamEventResult[]) => boolean; url?: string } = {},
): Promise<FollowedAnswer> {
  const { items: events, errors } = await collectSubscription<
    { messageStream: StreamEventResult },
    StreamEventResult
  >(
    baseUrl,
    token,
    { query: MESSAGE_STREAM, variables: { messageId } },
    (data) => data.messageStream,
    options,
  );
  return {
    events,
    errors,
    text: events.map((event) => (event.__typename === "MessageDelta" ? event.text : "")).join(""),
    last: events.at(-1),
  };
}

/** Collects what a subscription emits (`pick` from each result) until it ends, fails or `stopAfter` holds. */
export function collectSubscription<Data, Item>(
  baseUrl: string,
  token: string,
  operation: { query: string; variables: Record<string, unknown> },
  pick: (data: Data) => Item | undefined,
  options: { stopAfter?: (items: Item[]) => boolean; url?: string } = {},
): Promise<{ items: Item[]; errors: unknown[] }> {
  const client = createClient({
    url: options.url ?? `${baseUrl}/graphql/stream`,
    headers: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const items: Item[] = [];
  const errors: unknown[] = [];
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      dispose();
      client.dispose();
      resolve({ items, errors });
    };
    const dispose = client.subscribe<Data>(operation, {
      next: (result) => {
        if (done) return;
        if (result.errors) errors.push(...result.errors);
        const item = result.data ? pick(result.data as Data) : undefined;
        if (item !== undefined) items.push(item);
        if (options.stopAfter?.(items)) finish();
      },
      error: (error) => {
        if (done) return;
        errors.push(error);
        finish();
      },
      complete: finish,
    });
  });
}
