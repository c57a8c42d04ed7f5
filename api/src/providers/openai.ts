import { createOpenAiCompatibleAdapter } from "./openai-compatible.js";
import type { AdapterOptions, ProviderAdapter } from "./types.js";

/** OpenAI Chat Completions and embeddings. `baseUrl` follows the SDK convention and includes `/v1`. */
export function createOpenAiAdapter(options: AdapterOptions): ProviderAdapter {
  return createOpenAiCompatibleAdapter({
    id: "openai",
    url: () => `${options.baseUrl}/chat/completions`,
    headers: { authorization: `Bearer ${options.apiKey}` },
    embeddings: { url: () => `${options.baseUrl}/embeddings` },
    fetch: options.fetch,
  });
}
