import { createOpenAiCompatibleAdapter } from "./openai-compatible.js";
import type { AdapterOptions, ProviderAdapter } from "./types.js";

/**
 * xAI chat completions (OpenAI format; `baseUrl` includes `/v1`). Its usage counts reasoning tokens beside
 * `completion_tokens` (12 + 1 + 290 = 303 total in the recorded capture), so they are added to the output.
 */
export function createXaiAdapter(options: AdapterOptions): ProviderAdapter {
  return createOpenAiCompatibleAdapter({
    id: "xai",
    url: () => `${options.baseUrl}/chat/completions`,
    headers: { authorization: `Bearer ${options.apiKey}` },
    reasoningOutsideCompletion: true,
    fetch: options.fetch,
  });
}
