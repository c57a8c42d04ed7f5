import type { Exchange } from "@urql/core";
import { type Cache, offlineExchange, type StorageAdapter } from "@urql/exchange-graphcache";

// Normalised cache, persisted to IndexedDB so chats opened once stay readable offline.

// Types without an id are stored inside their parent.
const embedded = () => null;
const embeddedTypes = [
  "AuthPayload",
  "ModelPrices",
  "MessageUsage",
  "MessageError",
  "UsageSummary",
  "UsageByModel",
  "UsageByDay",
  "PageInfo",
  "QueryChatsConnection",
  "QueryChatsConnectionEdge",
  "ChatMessagesConnection",
  "ChatMessagesConnectionEdge",
  "SendMessagePayload",
  "TemplateVariable",
];

function invalidateQueryField(cache: Cache, fieldName: string): void {
  for (const field of cache.inspectFields("Query")) {
    if (field.fieldName === fieldName) cache.invalidate("Query", field.fieldName, field.arguments);
  }
}

function invalidateEntity(typename: string) {
  return (_result: unknown, args: Record<string, unknown>, cache: Cache) => {
    cache.invalidate({ __typename: typename, id: String(args.id) });
  };
}

export function createCacheExchange(storage: StorageAdapter): Exchange {
  return offlineExchange({
    storage,
    keys: Object.fromEntries(embeddedTypes.map((typename) => [typename, embedded])),
    updates: {
      Mutation: {
        createChat: (_result, _args, cache) => invalidateQueryField(cache, "chats"),
        deleteChat: invalidateEntity("Chat"),
        createAssistant: (_result, _args, cache) => invalidateQueryField(cache, "assistants"),
        deleteAssistant: invalidateEntity("Assistant"),
        createTemplate: (_result, _args, cache) => invalidateQueryField(cache, "templates"),
        deleteTemplate: invalidateEntity("Template"),
      },
    },
  });
}
