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
export function followAnswer(
  baseUrl: string,
  token: string,
  messageId: string,
  options: { stopAfter?: (events: StreamEventResult[]) => boolean; url?: string } = {},
): Promise<FollowedAnswer> {
  const client = createClient({
    url: options.url ?? `${baseUrl}/graphql/stream`,
    headers: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const events: StreamEventResult[] = [];
  const errors: unknown[] = [];
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      dispose();
      client.dispose();
      resolve({
        events,
        errors,
        text: events.map((event) => (event.__typename === "MessageDelta" ? event.text : "")).join(""),
        last: events.at(-1),
      });
    };
    const dispose = client.subscribe<{ messageStream: StreamEventResult }>(
      { query: MESSAGE_STREAM, variables: { messageId } },
      {
        next: (result) => {
          if (done) return;
          if (result.errors) errors.push(...result.errors);
          if (result.data?.messageStream) events.push(result.data.messageStream);
          if (options.stopAfter?.(events)) finish();
        },
        error: (error) => {
          if (done) return;
          errors.push(error);
          finish();
        },
        complete: finish,
      },
    );
  });
}
