import { createAnthropicAdapter } from "../../src/providers/anthropic.js";
import { createAzureAdapter } from "../../src/providers/azure.js";
import { createGoogleAdapter } from "../../src/providers/google.js";
import { createMistralAdapter } from "../../src/providers/mistral.js";
import { createOllamaAdapter } from "../../src/providers/ollama.js";
import { createOpenAiAdapter } from "../../src/providers/openai.js";
import type {
  CompletionRequest,
  ProviderAdapter,
  ProviderId,
  StreamEvent,
  TokenUsage,
} from "../../src/providers/types.js";
import { createXaiAdapter } from "../../src/providers/xai.js";
import type { FakeProviderServer } from "./server.js";

// Test helpers: every adapter pointed at the fake server, and a stream collector.

/** A model name per provider that the fake (and the real provider) accepts with temperature. */
export const TEST_MODELS: Record<ProviderId, string> = {
  openai: "gpt-4.1-mini",
  anthropic: "claude-sonnet-4-5",
  google: "gemini-2.5-flash",
  mistral: "mistral-large-latest",
  xai: "grok-4",
  azure: "gpt-4o-mini",
  ollama: "llama3.2:latest",
};

export const AZURE_TEST_API_VERSION = "2024-10-21";

export function fakeAdapter(
  server: FakeProviderServer,
  provider: ProviderId,
  apiKey = server.apiKey,
): ProviderAdapter {
  const { baseUrls } = server;
  switch (provider) {
    case "openai":
      return createOpenAiAdapter({ apiKey, baseUrl: baseUrls.openai });
    case "anthropic":
      return createAnthropicAdapter({ apiKey, baseUrl: baseUrls.anthropic });
    case "google":
      return createGoogleAdapter({ apiKey, baseUrl: baseUrls.google });
    case "mistral":
      return createMistralAdapter({ apiKey, baseUrl: baseUrls.mistral });
    case "xai":
      return createXaiAdapter({ apiKey, baseUrl: baseUrls.xai });
    case "azure":
      return createAzureAdapter({ apiKey, endpoint: baseUrls.azure, apiVersion: AZURE_TEST_API_VERSION });
    case "ollama":
      return createOllamaAdapter({ apiKey: null, baseUrl: baseUrls.ollama });
  }
}

export function testRequest(
  provider: ProviderId,
  overrides: Partial<CompletionRequest> = {},
): CompletionRequest {
  return {
    model: TEST_MODELS[provider],
    messages: [{ role: "user", content: "Wie geht's? Erzähl mir etwas über Köln." }],
    ...overrides,
  };
}

export interface CollectedStream {
  text: string;
  deltas: string[];
  usage: TokenUsage | undefined;
  events: StreamEvent[];
}

/** Reads a whole stream; on failure rethrows with what arrived so far attached as `collected`. */
export async function collect(
  stream: AsyncIterable<StreamEvent>,
  onEvent?: (event: StreamEvent) => void,
): Promise<CollectedStream> {
  const collected: CollectedStream = { text: "", deltas: [], usage: undefined, events: [] };
  try {
    for await (const event of stream) {
      collected.events.push(event);
      if (event.type === "delta") {
        collected.deltas.push(event.text);
        collected.text += event.text;
      } else {
        collected.usage = event.usage;
      }
      onEvent?.(event);
    }
  } catch (error) {
    if (typeof error === "object" && error !== null) Object.assign(error, { collected });
    throw error;
  }
  return collected;
}

/** Runs `stream` expecting a failure; returns the error and what arrived before it. */
export async function collectFailure(
  stream: AsyncIterable<StreamEvent>,
): Promise<{ error: unknown; collected: CollectedStream }> {
  try {
    const collected = await collect(stream);
    throw new Error(`expected the stream to fail, but it completed with ${JSON.stringify(collected.text)}`);
  } catch (error) {
    const collected = (error as { collected?: CollectedStream }).collected;
    if (!collected) throw error;
    return { error, collected };
  }
}
