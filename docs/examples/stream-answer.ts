// Sign in, create a chat, stream an answer token by token, read usage — with graphql-sse.
// Usage: API=https://api.example.com LOGIN=anna PASSWORD='…' npx tsx stream-answer.ts
import { randomUUID } from "node:crypto";
import { createClient } from "graphql-sse";

const api = process.env.API ?? "http://localhost:4000";

async function gql<Data>(query: string, variables: Record<string, unknown>, token?: string): Promise<Data> {
  const response = await fetch(`${api}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const { data, errors } = (await response.json()) as {
    data: Data;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (errors?.length) throw new Error(`${errors[0]?.extensions?.code}: ${errors[0]?.message}`);
  return data;
}

const { login } = await gql<{ login: { accessToken: string } }>(
  "mutation($input: LoginInput!) { login(input: $input) { accessToken } }",
  { input: { login: process.env.LOGIN, password: process.env.PASSWORD } },
);
const token = process.env.API_KEY ?? login.accessToken;

const { createChat } = await gql<{ createChat: { id: string } }>(
  "mutation($input: CreateChatInput) { createChat(input: $input) { id } }",
  { input: { title: "TypeScript example", model: process.env.MODEL ?? "openai/gpt-4.1-mini" } },
  token,
);

// The same clientMessageId sent again (after a timeout, from an outbox) returns the same messages.
const { sendMessage } = await gql<{ sendMessage: { assistantMessage: { id: string } } }>(
  "mutation($input: SendMessageInput!) { sendMessage(input: $input) { assistantMessage { id } } }",
  { input: { chatId: createChat.id, content: "Hallo! Wer bist du?", clientMessageId: randomUUID() } },
  token,
);

type StreamEvent =
  | { __typename: "MessageDelta"; text: string }
  | { __typename: "MessageCompleted"; message: { status: string; content: string } }
  | { __typename: "MessageFailed"; code: string; reason: string };

const client = createClient({ url: `${api}/graphql/stream`, headers: { authorization: `Bearer ${token}` } });
await new Promise<void>((resolve, reject) => {
  client.subscribe<{ messageStream: StreamEvent }>(
    {
      query: `subscription($id: ID!) { messageStream(messageId: $id) {
        __typename
        ... on MessageDelta { text }
        ... on MessageCompleted { message { status content } }
        ... on MessageFailed { code reason: message } } }`,
      variables: { id: sendMessage.assistantMessage.id },
    },
    {
      next: ({ data }) => {
        const event = data?.messageStream;
        if (event?.__typename === "MessageDelta") process.stdout.write(event.text);
        if (event?.__typename === "MessageCompleted") console.log(`\n[${event.message.status}]`);
        if (event?.__typename === "MessageFailed") console.log(`\n[FAILED ${event.code}: ${event.reason}]`);
      },
      error: reject,
      complete: resolve,
    },
  );
});
client.dispose();

const { usage } = await gql<{ usage: { requests: number; costUsd: number } }>(
  "{ usage { requests costUsd } }",
  {},
  token,
);
console.log(`This month: ${usage.requests} requests, $${usage.costUsd.toFixed(6)}`);
