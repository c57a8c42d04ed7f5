import { createOpenAiCompatibleAdapter } from "./openai-compatible.js";
import type { AdapterOptions, ProviderAdapter } from "./types.js";

/**
 * Mistral chat completions and embeddings. `baseUrl` is the server without `/v1` (the SDK convention).
 * Usage arrives on the last chunk without any opt-in, and the API rejects fields it does not know, so no
 * `stream_options`.
 */
export function createMistralAdapter(options: AdapterOptions): ProviderAdapter {
  return createOpenAiCompatibleAdapter({
    id: "mistral",
    url: () => `${options.baseUrl}/v1/chat/completions`,
    headers: { authorization: `Bearer ${options.apiKey}` },
    maxTokensField: "max_tokens",
    requestUsage: false,
    // Mistral names the vector length `output_dimension` and rejects `dimensions` as an unknown field.
    embeddings: { url: () => `${options.baseUrl}/v1/embeddings`, dimensionsField: "output_dimension" },
    fetch: options.fetch,
  });
}
