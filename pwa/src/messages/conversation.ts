import type { MessageFieldsFragment } from "../gql/graphql";
import type { OutboxItem } from "../offline/outbox";

// One chat's messages as shown: older pages, the newest page, what this session's mutations returned,
// and what still waits in the outbox — each message once, oldest first.

export type ChatMessage = MessageFieldsFragment;

export type DisplayMessage =
  | { kind: "message"; key: string; message: ChatMessage }
  | { kind: "pending"; key: string; item: OutboxItem };

export interface ConversationSources {
  older: readonly ChatMessage[];
  latest: readonly ChatMessage[];
  recent: readonly ChatMessage[];
  pending: readonly OutboxItem[];
  /** Messages replaced by a regeneration or an edit. */
  hidden?: ReadonlySet<string>;
}

// A later source wins, except that a finished message never goes back to "streaming".
function preferred(current: ChatMessage | undefined, candidate: ChatMessage): ChatMessage {
  if (!current) return candidate;
  if (current.status !== "STREAMING" && candidate.status === "STREAMING") return current;
  return candidate;
}

function compareMessages(a: ChatMessage, b: ChatMessage): number {
  const byTime = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  if (byTime !== 0) return byTime;
  if (a.role !== b.role) return a.role === "USER" ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function mergeConversation(sources: ConversationSources): DisplayMessage[] {
  const byId = new Map<string, ChatMessage>();
  for (const list of [sources.older, sources.latest, sources.recent]) {
    for (const message of list) {
      if (!sources.hidden?.has(message.id)) byId.set(message.id, preferred(byId.get(message.id), message));
    }
  }
  const messages = [...byId.values()].sort(compareMessages);
  const delivered = new Set(messages.map((message) => message.clientMessageId).filter(Boolean));
  const shown: DisplayMessage[] = messages.map((message) => ({ kind: "message", key: message.id, message }));
  for (const item of sources.pending) {
    if (!delivered.has(item.clientMessageId)) {
      shown.push({ kind: "pending", key: `pending:${item.clientMessageId}`, item });
    }
  }
  return shown;
}

/** The newest message of a role, to decide where "regenerate" and "edit" apply. */
export function lastMessageOf(
  shown: readonly DisplayMessage[],
  role: ChatMessage["role"],
): ChatMessage | undefined {
  for (let index = shown.length - 1; index >= 0; index--) {
    const entry = shown[index];
    if (entry?.kind === "message" && entry.message.role === role) return entry.message;
  }
  return undefined;
}
