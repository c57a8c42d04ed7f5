import type { Exchange } from "@urql/core";
import {
  type Cache,
  offlineExchange,
  type SerializedEntries,
  type StorageAdapter,
} from "@urql/exchange-graphcache";

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
  "InvitationPreview",
];

// What the API shows only once (an invitation's link and token: it keeps just a hash) stays in memory
// for the screen that shows it and is never written to the device. Keys are "<Type>:<id>.<field>".
const shownOnce = /^Invitation:[^.]*\.(?:url|token)$/;

/** The storage without the fields shown once. */
export function withoutShownOnce(storage: StorageAdapter): StorageAdapter {
  return {
    ...storage,
    writeData: (delta: SerializedEntries) => {
      const kept: SerializedEntries = {};
      for (const [key, value] of Object.entries(delta)) if (!shownOnce.test(key)) kept[key] = value;
      return storage.writeData(kept);
    },
  };
}

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
    storage: withoutShownOnce(storage),
    keys: Object.fromEntries(embeddedTypes.map((typename) => [typename, embedded])),
    updates: {
      Mutation: {
        createChat: (_result, _args, cache) => invalidateQueryField(cache, "chats"),
        deleteChat: invalidateEntity("Chat"),
        createAssistant: (_result, _args, cache) => invalidateQueryField(cache, "assistants"),
        deleteAssistant: invalidateEntity("Assistant"),
        createTemplate: (_result, _args, cache) => invalidateQueryField(cache, "templates"),
        deleteTemplate: invalidateEntity("Template"),
        createOrganization: (_result, _args, cache) => invalidateQueryField(cache, "organizations"),
        createInvitation: (_result, _args, cache) => invalidateQueryField(cache, "invitations"),
      },
    },
  });
}
