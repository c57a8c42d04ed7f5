import type { Exchange } from "@urql/core";
import {
  type Cache,
  type Data,
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
  "QueryAdminUsersConnection",
  "QueryAdminUsersConnectionEdge",
  "UsageCount",
  "ModelPrice",
  "PasswordResetLink",
  "ProviderTestResult",
  "UsageReport",
  "UsageRow",
  "UsageDimension",
  "OrganizationStats",
  "QueryAuditLogConnection",
  "QueryAuditLogConnectionEdge",
  "AuditActor",
  "AuditTarget",
  "AuditVerification",
  "AuditBrokenLink",
  "DocumentProgress",
  "Source",
  "SearchHit",
  "QueryDocumentsConnection",
  "QueryDocumentsConnectionEdge",
];

// Administration: types keyed by something else than an id.
const otherKeys = {
  ModelConfig: (data: Data) => String(data.modelId),
  ProviderConnection: (data: Data) => String(data.provider),
  // One per organisation, and the cache holds one organisation's data.
  OrganizationSettings: () => "current",
};

// What the API shows only once (an invitation's link and token: it keeps just a hash) stays in memory
// for the screen that shows it and is never written to the device. Keys are "<Type>:<id>.<field>".
// (A password reset link has no key: it stays in the mutation's answer, which is not stored.)
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

function invalidateQueryFields(cache: Cache, fieldNames: readonly string[]): void {
  for (const fieldName of fieldNames) invalidateQueryField(cache, fieldName);
}

function invalidateEntity(typename: string) {
  return (_result: unknown, args: Record<string, unknown>, cache: Cache) => {
    cache.invalidate({ __typename: typename, id: String(args.id) });
  };
}

export function createCacheExchange(storage: StorageAdapter): Exchange {
  return offlineExchange({
    storage: withoutShownOnce(storage),
    keys: { ...Object.fromEntries(embeddedTypes.map((typename) => [typename, embedded])), ...otherKeys },
    updates: {
      Mutation: {
        createChat: (_result, _args, cache) => invalidateQueryField(cache, "chats"),
        deleteChat: invalidateEntity("Chat"),
        createAssistant: (_result, _args, cache) => invalidateQueryField(cache, "assistants"),
        deleteAssistant: invalidateEntity("Assistant"),
        createTemplate: (_result, _args, cache) => invalidateQueryField(cache, "templates"),
        deleteTemplate: invalidateEntity("Template"),
        deleteDocument: (_result, args, cache) => {
          cache.invalidate({ __typename: "Document", id: String(args.id) });
          invalidateQueryField(cache, "documents");
        },
        createOrganization: (_result, _args, cache) => invalidateQueryField(cache, "organizations"),
        createInvitation: (_result, _args, cache) => invalidateQueryField(cache, "invitations"),
        markNotificationsRead: (_result, _args, cache) => invalidateQueryField(cache, "notifications"),
        ...administrationUpdates,
      },
    },
  });
}

type MutationUpdate = (result: Data, args: Record<string, unknown>, cache: Cache) => void;

// What an admin's change makes stale beyond the entity it returns. The member-facing `models` list (the
// admin's own picker) follows every change to models, providers and the default.
const modelLists = ["modelConfigs", "models", "organizationSettings"] as const;
// The admin's own budgets may be among those that apply to them.
const budgetLists = ["budgets", "myBudgets"] as const;
const administrationUpdates: Record<string, MutationUpdate> = {
  // A deleted person is never listed, and leaves their groups. (A deactivated one stays in the list in
  // front of the admin, marked, until it is loaded again.)
  deleteUser: (_result, _args, cache) => invalidateQueryFields(cache, ["adminUsers", "groups"]),
  createGroup: (_result, _args, cache) => invalidateQueryField(cache, "groups"),
  deleteGroup: invalidateEntity("Group"),
  addGroupMembers: (_result, args, cache) => invalidateGroupsOf(cache, args.userIds),
  removeGroupMembers: (_result, args, cache) => invalidateGroupsOf(cache, args.userIds),
  updateModelConfig: (_result, args, cache) => {
    const input = args.input as { isDefault?: boolean } | undefined;
    // Another model stops being the default.
    invalidateQueryFields(cache, input?.isDefault !== undefined ? modelLists : ["models"]);
  },
  setModelPrice: (_result, _args, cache) => invalidateQueryField(cache, "models"),
  syncProviderModels: (_result, _args, cache) => invalidateQueryFields(cache, modelLists),
  setProviderKey: (_result, _args, cache) => invalidateQueryFields(cache, modelLists),
  deleteProviderKey: (_result, _args, cache) => invalidateQueryFields(cache, modelLists),
  // The time zone moves the budgets' periods.
  updateOrganizationSettings: (_result, _args, cache) =>
    invalidateQueryFields(cache, [...modelLists, ...budgetLists]),
  createBudget: (_result, _args, cache) => invalidateQueryFields(cache, budgetLists),
  updateBudget: (_result, _args, cache) => invalidateQueryFields(cache, budgetLists),
  deleteBudget: (_result, args, cache) => {
    cache.invalidate({ __typename: "Budget", id: String(args.id) });
    invalidateQueryFields(cache, budgetLists);
  },
};

/** The people whose groups changed. */
function invalidateGroupsOf(cache: Cache, userIds: unknown): void {
  for (const id of Array.isArray(userIds) ? userIds : []) {
    cache.invalidate({ __typename: "AdminUser", id: String(id) }, "groups");
  }
}
