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
 * Azure OpenAI with dated API versions, chat and embeddings: the deployment (our `model`) is part of the
 * path, the key goes in the `api-key` header. The stream opens with a choice-less `prompt_filter_results`
 * chunk, which the shared reader skips.
 */
export function createAzureAdapter(options: AzureAdapterOptions): ProviderAdapter {
  const apiVersion = encodeURIComponent(options.apiVersion);
  const deploymentUrl = (deployment: string, operation: string) =>
    `${options.endpoint}/openai/deployments/${encodeURIComponent(deployment)}/${operation}?api-version=${apiVersion}`;
  return createOpenAiCompatibleAdapter({
    id: "azure",
    url: (deployment) => deploymentUrl(deployment, "chat/completions"),
    headers: { "api-key": options.apiKey },
    embeddings: { url: (deployment) => deploymentUrl(deployment, "embeddings") },
    fetch: options.fetch,
  });
}
