import { createOpenAiCompatibleAdapter } from "./openai-compatible.js";
import type { ProviderAdapter } from "./types.js";

export interface AzureAdapterOptions {
  apiKey: string;
  /** `https://<resource>.openai.azure.com`, no trailing slash. */
  endpoint: string;
  apiVersion: string;
  fetch?: typeof fetch;
}

/**
 * Azure OpenAI with dated API versions: the deployment (our `model`) is part of the path, the key goes in
 * the `api-key` header. The stream opens with a choice-less `prompt_filter_results` chunk, which the shared
 * reader skips.
 */
export function createAzureAdapter(options: AzureAdapterOptions): ProviderAdapter {
  const apiVersion = encodeURIComponent(options.apiVersion);
  return createOpenAiCompatibleAdapter({
    id: "azure",
    url: (deployment) =>
      `${options.endpoint}/openai/deployments/${encodeURIComponent(deployment)}/chat/completions?api-version=${apiVersion}`,
    headers: { "api-key": options.apiKey },
    fetch: options.fetch,
  });
}
