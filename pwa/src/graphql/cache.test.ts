import { Client, fetchExchange } from "@urql/core";
import type { SerializedEntries, StorageAdapter } from "@urql/exchange-graphcache";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ModelConfigsQuery, UpdateModelConfigMutation } from "../admin/models/operations";
import { AdminUsersQuery, ResetUserPasswordMutation } from "../admin/people/operations";
import { CreateInvitationMutation } from "../organizations/operations";
import { createCacheExchange } from "./cache";

/** A device storage that remembers everything written to it. */
function memoryStorage() {
  const written: SerializedEntries = {};
  const storage: StorageAdapter = {
    readData: async () => ({}),
    writeData: async (delta) => {
      Object.assign(written, delta);
    },
  };
  return { storage, written };
}

const invitation = {
  __typename: "Invitation",
  id: "i1",
  email: "new@example.com",
  role: "MEMBER",
  status: "VALID",
  expiresAt: "2026-12-09T10:00:00.000Z",
  createdAt: "2026-12-02T10:00:00.000Z",
  organization: { __typename: "Organization", id: "o1", name: "Acme" },
  url: "https://app.example/?invitation=secret-token",
};

/** A client whose server answers each request with the next of `answers`. */
function clientAnswering(storage: StorageAdapter, answers: unknown[]) {
  return new Client({
    url: "http://localhost/graphql",
    exchanges: [createCacheExchange(storage), fetchExchange],
    fetch: async () =>
      new Response(JSON.stringify({ data: answers.shift() }), {
        headers: { "content-type": "application/json" },
      }),
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

const modelConfig = (modelId: string, patch: Record<string, unknown> = {}) => ({
  __typename: "ModelConfig",
  modelId,
  provider: "openai",
  displayName: modelId,
  enabled: true,
  isDefault: false,
  sortOrder: 0,
  contextWindow: 128_000,
  supportsVision: false,
  isFree: false,
  source: "CATALOGUE",
  providerConfigured: true,
  price: null,
  priceHistory: [],
  allowedGroups: [],
  ...patch,
});

describe("the offline cache", () => {
  // Graphcache writes to the device only outside tests.
  const environment = process.env.NODE_ENV;
  beforeEach(() => {
    process.env.NODE_ENV = "development";
  });
  afterEach(() => {
    process.env.NODE_ENV = environment;
  });

  it("shows an invitation's link to the screen but never writes it to the device", async () => {
    const { storage, written } = memoryStorage();
    const client = new Client({
      url: "http://localhost/graphql",
      exchanges: [createCacheExchange(storage), fetchExchange],
      fetch: async () =>
        new Response(JSON.stringify({ data: { createInvitation: invitation } }), {
          headers: { "content-type": "application/json" },
        }),
    });
    const result = await client
      .mutation(CreateInvitationMutation, { input: { email: "new@example.com" } })
      .toPromise();
    expect(result.data?.createInvitation.url).toBe(invitation.url);

    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written["Invitation:i1.email"]).toBe(JSON.stringify("new@example.com"));
    expect(JSON.stringify(written)).not.toContain("secret-token");
    expect(Object.keys(written)).not.toContain("Invitation:i1.url");
  });

  it("never writes a password reset link to the device", async () => {
    const { storage, written } = memoryStorage();
    const link = {
      __typename: "PasswordResetLink",
      url: "https://app.example/#reset=secret-token",
      expiresAt: "x",
    };
    const client = clientAnswering(storage, [{ resetUserPassword: link }]);
    const result = await client.mutation(ResetUserPasswordMutation, { id: "u1" }).toPromise();
    expect(result.data?.resetUserPassword.url).toBe(link.url);
    await settle();
    expect(JSON.stringify(written)).not.toContain("secret-token");
  });

  it("keeps one model per model id, so a change shows in the list it came from", async () => {
    const { storage } = memoryStorage();
    const list = {
      modelConfigs: [modelConfig("openai/a"), modelConfig("openai/b")],
      groups: [],
      providerConnections: [],
    };
    const changed = { updateModelConfig: modelConfig("openai/b", { enabled: false }) };
    const client = clientAnswering(storage, [list, changed]);
    await client.query(ModelConfigsQuery, {}).toPromise();
    await client
      .mutation(UpdateModelConfigMutation, { modelId: "openai/b", input: { enabled: false } })
      .toPromise();
    const cached = await client.query(ModelConfigsQuery, {}, { requestPolicy: "cache-only" }).toPromise();
    expect(cached.data?.modelConfigs.map((model) => [model.modelId, model.enabled])).toEqual([
      ["openai/a", true],
      ["openai/b", false],
    ]);
  });

  it("reads the people of the organisation without warnings about missing keys", async () => {
    const { storage } = memoryStorage();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const person = {
      __typename: "AdminUser",
      id: "u1",
      username: "ada",
      email: "ada@example.com",
      isActive: true,
      isAdmin: false,
      createdAt: "2026-12-01T10:00:00.000Z",
      lastActiveAt: null,
      groups: [],
      usageThisMonth: { __typename: "UsageCount", requests: 3, costUsd: 0.5 },
    };
    const page = {
      adminUsers: {
        __typename: "QueryAdminUsersConnection",
        totalCount: 1,
        pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: "c1" },
        edges: [{ __typename: "QueryAdminUsersConnectionEdge", cursor: "c1", node: person }],
      },
    };
    const client = clientAnswering(storage, [page]);
    const result = await client.query(AdminUsersQuery, { first: 50 }).toPromise();
    expect(result.data?.adminUsers.edges[0]?.node.usageThisMonth.requests).toBe(3);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
