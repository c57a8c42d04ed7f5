import { describe, expect, it } from "vitest";
import { PROVIDER_IDS } from "../../src/providers/types.js";
import { collect, fakeAdapter, testRequest } from "./adapters.js";
import { defaultReply } from "./scenario.js";
import { openSignal, useFakeProviderServer } from "./use-fake-provider.js";

// Like a real provider, the fake one stops at the client's output-token limit (with the finish reason "length", "max_tokens" or "MAX_TOKENS").

const fake = useFakeProviderServer();

describe("the fake provider's output-token limit", () => {
  for (const provider of PROVIDER_IDS) {
    it(`${provider}: an answer cut at maxOutputTokens is a prefix of the full one, its usage what was sent`, async () => {
      const question = "Wie lang darf es sein?";
      const result = await collect(
        fakeAdapter(fake.server, provider).stream(
          testRequest(provider, { messages: [{ role: "user", content: question }], maxOutputTokens: 8 }),
          openSignal(),
        ),
      );
      const full = defaultReply(question);
      expect(result.text.length).toBeGreaterThan(0);
      expect(result.text.length).toBeLessThan(full.length);
      expect(full.startsWith(result.text)).toBe(true);
      expect(result.usage?.completionTokens).toBeLessThanOrEqual(8);
      const wire = JSON.stringify(fake.server.requests.at(-1));
      expect(wire).toMatch(/max_completion_tokens|max_tokens|maxOutputTokens/);
    });
  }
});
