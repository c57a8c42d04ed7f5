import { jsonReply } from "./sse-format.js";
import type { FakeProviderId, JsonReply } from "./types.js";

// The model-list endpoints in each provider's wire format (reference §2.8 OpenAI, §3.7 Anthropic, §4.7
// Gemini, §5.7 Mistral, §6.5 xAI, §7.1 Ollama). Every list mixes models of the catalogue, models it does
// not know (newer ones) and, where the provider lists them, models that do not chat. Anthropic and Gemini
// page with small pages whatever the client asks for, so that clients must follow the cursor.

/** Page sizes the fake never exceeds (the real limits are 1000). */
export const ANTHROPIC_PAGE_SIZE = 2;
export const GOOGLE_PAGE_SIZE = 3;

const CREATED = 1_754_000_000;

const OPENAI_MODELS = [
  "gpt-5.7-preview",
  "gpt-5.1",
  "gpt-4.1-mini",
  "gpt-4o-mini",
  "o3",
  "o4-mini",
  "chatgpt-4o-latest",
  "text-embedding-3-small",
  "whisper-1",
  "tts-1",
  "gpt-4o-mini-tts",
  "dall-e-3",
  "gpt-image-1",
  "omni-moderation-latest",
  "gpt-4o-realtime-preview",
  "gpt-4o-audio-preview",
  "gpt-4o-transcribe",
  "gpt-4o-search-preview",
  "davinci-002",
];

const XAI_MODELS = [
  "grok-4.6",
  "grok-4.5",
  "grok-4.3",
  "grok-4.20-0309-reasoning",
  "grok-4.20-0309-non-reasoning",
  "grok-imagine-image",
];

// [id, name, max_context_length, completion_chat]; Mistral's `name` is the dated model behind an alias.
const MISTRAL_MODELS: [string, string, number, boolean][] = [
  ["mistral-large-latest", "mistral-large-2512", 262_144, true],
  ["mistral-small-latest", "mistral-small-2603", 131_072, true],
  ["codestral-latest", "codestral-2508", 262_144, true],
  ["magistral-medium-latest", "magistral-medium-2509", 131_072, true],
  ["devstral-medium-latest", "devstral-medium-2512", 262_144, true],
  ["mistral-embed", "mistral-embed", 8_192, false],
  ["mistral-moderation-latest", "mistral-moderation-2411", 8_192, false],
];

// [id, display_name, max_input_tokens, max_tokens, created_at], newest first as Anthropic lists them.
const ANTHROPIC_MODELS: [string, string, number, number, string][] = [
  ["claude-opus-5", "Claude Opus 5", 1_000_000, 128_000, "2026-08-05T00:00:00Z"],
  ["claude-sonnet-5", "Claude Sonnet 5", 1_000_000, 64_000, "2026-07-22T00:00:00Z"],
  ["claude-mythos-preview", "Claude Mythos (preview)", 1_000_000, 128_000, "2026-06-10T00:00:00Z"],
  ["claude-opus-4-8", "Claude Opus 4.8", 1_000_000, 128_000, "2026-05-12T00:00:00Z"],
  ["claude-sonnet-4-6", "Claude Sonnet 4.6", 1_000_000, 64_000, "2026-02-17T00:00:00Z"],
  ["claude-haiku-4-5-20251001", "Claude Haiku 4.5", 200_000, 64_000, "2025-10-01T00:00:00Z"],
];

// [name without "models/", displayName, inputTokenLimit, outputTokenLimit, supportedGenerationMethods]
const CHAT_METHODS = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"];
const GOOGLE_MODELS: [string, string, number, number, string[]][] = [
  ["gemini-2.5-flash", "Gemini 2.5 Flash", 1_048_576, 65_536, CHAT_METHODS],
  ["gemini-2.5-pro", "Gemini 2.5 Pro", 1_048_576, 65_536, CHAT_METHODS],
  ["gemini-embedding-001", "Gemini Embedding 001", 2_048, 1, ["embedContent", "countTextTokens"]],
  ["gemini-3.5-flash", "Gemini 3.5 Flash", 1_048_576, 65_536, CHAT_METHODS],
  ["gemini-3.7-flash", "Gemini 3.7 Flash", 1_048_576, 65_536, CHAT_METHODS],
  ["imagen-4.0-generate-001", "Imagen 4", 480, 8_192, ["predict"]],
  ["gemini-flash-latest", "Gemini Flash Latest", 1_048_576, 65_536, CHAT_METHODS],
];

// Azure's `GET /openai/models` lists the base models the resource may deploy, not its deployments.
const AZURE_MODELS = ["gpt-4o-mini-2024-07-18", "gpt-5.1-2025-11-13", "text-embedding-3-small"];

/** The reply to `GET …/models` for `provider`, after the key was checked. */
export function modelListReply(
  provider: FakeProviderId,
  query: URLSearchParams,
  ollamaModels: string[],
): JsonReply {
  switch (provider) {
    case "openai":
      return openAiList(OPENAI_MODELS, "system");
    case "xai":
      return openAiList(XAI_MODELS, "xai");
    case "ollama":
      return openAiList(ollamaModels, "library");
    case "mistral":
      return mistralList();
    case "azure":
      return azureList();
    case "anthropic":
      return anthropicPage(query);
    case "google":
      return googlePage(query);
  }
}

function openAiList(ids: string[], ownedBy: string): JsonReply {
  const data = ids.map((id) => ({ id, object: "model", created: CREATED, owned_by: ownedBy }));
  return jsonReply(200, { object: "list", data });
}

function mistralList(): JsonReply {
  const data = MISTRAL_MODELS.map(([id, name, maxContextLength, completionChat]) => ({
    id,
    object: "model",
    created: CREATED,
    owned_by: "mistralai",
    capabilities: {
      completion_chat: completionChat,
      function_calling: completionChat,
      completion_fim: id.startsWith("codestral"),
      fine_tuning: false,
      vision: false,
      classification: id.includes("moderation"),
      moderation: id.includes("moderation"),
    },
    name,
    description: `Official ${name} Mistral AI model`,
    max_context_length: maxContextLength,
    aliases: id === name ? [] : [name],
    deprecation: null,
    default_model_temperature: completionChat ? 0.3 : null,
    type: "base",
  }));
  return jsonReply(200, { object: "list", data });
}

function azureList(): JsonReply {
  const data = AZURE_MODELS.map((id) => ({
    id,
    object: "model",
    status: "succeeded",
    created_at: CREATED,
    lifecycle_status: "generally-available",
    capabilities: { chat_completion: !id.includes("embedding"), embeddings: id.includes("embedding") },
  }));
  return jsonReply(200, { object: "list", data });
}

function anthropicPage(query: URLSearchParams): JsonReply {
  const afterId = query.get("after_id");
  const start = afterId === null ? 0 : ANTHROPIC_MODELS.findIndex(([id]) => id === afterId) + 1;
  if (start === 0 && afterId !== null) {
    return jsonReply(400, {
      type: "error",
      error: { type: "invalid_request_error", message: `after_id: unknown model id "${afterId}"` },
    });
  }
  const size = Math.min(pageSize(query.get("limit"), 20), ANTHROPIC_PAGE_SIZE);
  const page = ANTHROPIC_MODELS.slice(start, start + size);
  return jsonReply(200, {
    data: page.map(([id, displayName, maxInputTokens, maxTokens, createdAt]) => ({
      type: "model",
      id,
      display_name: displayName,
      created_at: createdAt,
      max_input_tokens: maxInputTokens,
      max_tokens: maxTokens,
    })),
    first_id: page[0]?.[0] ?? null,
    last_id: page.at(-1)?.[0] ?? null,
    has_more: start + size < ANTHROPIC_MODELS.length,
  });
}

function googlePage(query: URLSearchParams): JsonReply {
  const token = query.get("pageToken");
  const start = token === null ? 0 : offsetFromToken(token);
  if (start === undefined) {
    return jsonReply(400, {
      error: { code: 400, message: "Invalid page token.", status: "INVALID_ARGUMENT" },
    });
  }
  const size = Math.min(pageSize(query.get("pageSize"), 50), GOOGLE_PAGE_SIZE);
  const end = start + size;
  const models = GOOGLE_MODELS.slice(start, end).map(
    ([name, displayName, inputTokenLimit, outputTokenLimit, methods]) => ({
      name: `models/${name}`,
      version: "001",
      displayName,
      description: `${displayName} (fake provider)`,
      inputTokenLimit,
      outputTokenLimit,
      supportedGenerationMethods: methods,
    }),
  );
  // Like Gemini, the last page has no nextPageToken field and an empty page no models field.
  return jsonReply(200, {
    ...(models.length > 0 ? { models } : {}),
    ...(end < GOOGLE_MODELS.length ? { nextPageToken: tokenForOffset(end) } : {}),
  });
}

function pageSize(value: string | null, fallback: number): number {
  const size = Number(value ?? fallback);
  return Number.isInteger(size) && size > 0 ? size : fallback;
}

/** Gemini's page tokens are opaque; these encode the offset so a client cannot guess them. */
function tokenForOffset(offset: number): string {
  return Buffer.from(`fake-page:${offset}`).toString("base64url");
}

function offsetFromToken(token: string): number | undefined {
  const match = /^fake-page:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
