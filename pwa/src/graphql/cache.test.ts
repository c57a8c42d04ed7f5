import { Client, fetchExchange } from "@urql/core";
import type { SerializedEntries, StorageAdapter } from "@urql/exchange-graphcache";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CreateInvitationMutation } from "../organizations/documents";
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
});
