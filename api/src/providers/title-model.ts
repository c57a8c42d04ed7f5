import { findCatalogueModel, type ModelInfo } from "./catalogue.js";
import type { ProviderId } from "./types.js";

// The cheapest suitable chat model per provider (reference §8.3), for background title generation.
// OpenAI: gpt-4.1-nano rather than the cheaper gpt-5-nano, because gpt-5-nano is a reasoning model whose
// reasoning tokens bill as output and add seconds of latency, and CompletionRequest cannot lower the effort.
// xAI: the non-reasoning grok-4.20 rather than grok-build-0.1, a coding model.
const CHEAP_MODELS: Partial<Record<ProviderId, string>> = {
  openai: "openai/gpt-4.1-nano",
  anthropic: "anthropic/claude-haiku-4-5",
  google: "google/gemini-2.5-flash-lite",
  mistral: "mistral/ministral-3b-2512",
  xai: "xai/grok-4.20-0309-non-reasoning",
};

/** The model for titles of chats with `provider`; null for Azure and local servers (use the chat's model). */
export function cheapModelFor(provider: ProviderId): ModelInfo | null {
  const id = CHEAP_MODELS[provider];
  return id ? (findCatalogueModel(id) ?? null) : null;
}
