import type { FakeProviderServer } from "../fake-provider/server.js";

/** The variables that point every provider of the API at the fake provider server. */
export function fakeProviderEnv(server: FakeProviderServer): Record<string, string> {
  const { baseUrls, apiKey } = server;
  return {
    OPENAI_BASE_URL: baseUrls.openai,
    OPENAI_API_KEY: apiKey,
    ANTHROPIC_BASE_URL: baseUrls.anthropic,
    ANTHROPIC_API_KEY: apiKey,
    GOOGLE_BASE_URL: baseUrls.google,
    GOOGLE_API_KEY: apiKey,
    MISTRAL_BASE_URL: baseUrls.mistral,
    MISTRAL_API_KEY: apiKey,
    XAI_BASE_URL: baseUrls.xai,
    XAI_API_KEY: apiKey,
    AZURE_OPENAI_ENDPOINT: baseUrls.azure,
    AZURE_OPENAI_API_KEY: apiKey,
    AZURE_OPENAI_DEPLOYMENTS: "gpt-4o-mini,gpt-5.1",
    OLLAMA_BASE_URL: baseUrls.ollama,
  };
}
