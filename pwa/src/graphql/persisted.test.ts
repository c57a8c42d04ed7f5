import { createRequest, makeOperation } from "@urql/core";
import { describe, expect, it } from "vitest";
import { SendMessageMutation } from "../messages/operations";
import { withPersistedHash } from "./persisted";

describe("persisted operations", () => {
  it("names the generated hash, which the API finds in persisted-documents.json", async () => {
    const request = createRequest(SendMessageMutation, { input: { chatId: "c", content: "hi" } });
    const operation = withPersistedHash(makeOperation("mutation", request, { url: "/graphql" } as never));
    const persistedQuery = operation.extensions?.persistedQuery as { sha256Hash: string } | undefined;
    const hash = persistedQuery?.sha256Hash ?? "";
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const persisted = (await import("../gql/persisted-documents.json")).default as Record<string, string>;
    expect(persisted[hash]).toContain("mutation SendMessage");
  });
});
