import type { SignedIn, TestApp } from "./test-app.js";

// GraphQL operations the chat tests share.

export const CREATE_CHAT = /* GraphQL */ `
  mutation($input: CreateChatInput) { createChat(input: $input) { id title model temperature } }
`;

export const SEND_MESSAGE = /* GraphQL */ `
  mutation($input: SendMessageInput!) {
    sendMessage(input: $input) {
      userMessage { id role content status clientMessageId }
      assistantMessage { id role content status model error { code message }
        usage { promptTokens completionTokens cachedTokens reasoningTokens costUsd } }
    }
  }
`;

export const MESSAGE_FIELDS = `id role content status model error { code message }
  usage { promptTokens completionTokens cachedTokens reasoningTokens costUsd }`;

export interface MessageResult {
  id: string;
  role: "USER" | "ASSISTANT";
  content: string;
  status: string;
  model?: string;
  clientMessageId?: string | null;
  error?: { code: string; message: string } | null;
  usage?: {
    promptTokens: number;
    completionTokens: number;
    cachedTokens: number;
    reasoningTokens: number;
    costUsd: number;
  } | null;
}

export interface SendResult {
  userMessage: MessageResult;
  assistantMessage: MessageResult;
}

export async function createChat(app: TestApp, user: SignedIn, input: Record<string, unknown> = {}) {
  const result = await app.gql<{ createChat: { id: string; title: string } }>(
    CREATE_CHAT,
    { input },
    { token: user.accessToken },
  );
  if (!result.data?.createChat) throw new Error(`createChat failed: ${JSON.stringify(result.errors)}`);
  return result.data.createChat;
}

export async function sendMessage(app: TestApp, user: SignedIn, input: Record<string, unknown>) {
  const result = await app.gql<{ sendMessage: SendResult }>(
    SEND_MESSAGE,
    { input },
    { token: user.accessToken },
  );
  if (!result.data?.sendMessage) throw new Error(`sendMessage failed: ${JSON.stringify(result.errors)}`);
  return result.data.sendMessage;
}

export async function getMessage(app: TestApp, user: SignedIn, chatId: string, messageId: string) {
  const result = await app.gql<{ chat: { messages: { edges: { node: MessageResult }[] } } }>(
    `query($id: ID!) { chat(id: $id) { messages(last: 100) { edges { node { ${MESSAGE_FIELDS} } } } } }`,
    { id: chatId },
    { token: user.accessToken },
  );
  return result.data?.chat.messages.edges
    .map((edge) => edge.node)
    .find((message) => message.id === messageId);
}

/** Waits until the answer is no longer streaming (generation is server-side). */
export async function waitForAnswer(
  app: TestApp,
  user: SignedIn,
  chatId: string,
  messageId: string,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = await getMessage(app, user, chatId, messageId);
    if (message && message.status !== "STREAMING") return message;
    if (Date.now() > deadline) throw new Error(`answer ${messageId} still streaming after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
