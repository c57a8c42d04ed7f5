import { z } from "zod";
import { providerErrorFromResponse } from "./http-errors.js";
import { isRecord } from "./json.js";
import { DEFAULT_AZURE_API_VERSION } from "./settings.js";
import { PROVIDER_NAMES, ProviderError, type ProviderId } from "./types.js";

// Asks a provider which models it offers: to test a key and to sync a provider's model list. One GET per
// page, with the chat adapters' auth headers; the shapes are in the provider wire-format reference
// (§2.8 OpenAI, §3.7 Anthropic, §4.7 Gemini, §5.7 Mistral, §6.5 xAI, §7.1 Ollama).

export interface ListedModel {
  providerModel: string;
  /** The provider's display name, where it has one. */
  name: string | null;
  /** Input token limit, where the provider reports one. */
  contextWindow: number | null;
}

export interface ModelListRequest {
  provider: ProviderId;
  /** Required for the cloud providers; optional for a local server. */
  apiKey: string | null;
  /**
   * As in settings.ts, no trailing slash: OpenAI's and xAI's include `/v1`, Anthropic's, Google's and
   * Mistral's do not; Ollama: the server root without `/v1`; Azure: the endpoint.
   */
  baseUrl: string;
  /** Azure only; default DEFAULT_AZURE_API_VERSION. */
  azureApiVersion?: string;
  /** For tests and instrumentation; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Callers pass a timeout; when it aborts, the call rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** Anthropic pages with `limit` up to 1000, Gemini with `pageSize` up to 1000; a runaway cursor stops here. */
const MAX_PAGES = 50;
const PAGE_SIZE = 1000;

// Same value as the chat adapter sends (anthropic.ts).
const ANTHROPIC_VERSION = "2023-06-01";

// OpenAI lists every model of the organisation; only these families take Chat Completions.
const OPENAI_CHAT_MODEL = /^(gpt-|chatgpt-|o[134](-|$))/;
const OPENAI_NOT_CHAT = /embedding|tts|whisper|dall-e|moderation|image|audio|realtime|transcribe|search/;
// xAI lists its image and video generators beside the chat models.
const XAI_NOT_CHAT = /imag(e|ine)|video/;

const openAiListSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      capabilities: z.object({ completion_chat: z.boolean().nullish() }).nullish(),
      max_context_length: z.number().nullish(),
    }),
  ),
});

const anthropicPageSchema = z.object({
  data: z.array(
    z.object({ id: z.string(), display_name: z.string().nullish(), max_input_tokens: z.number().nullish() }),
  ),
  has_more: z.boolean().nullish(),
  last_id: z.string().nullish(),
});

const googlePageSchema = z.object({
  // An empty page has no `models` field at all.
  models: z
    .array(
      z.object({
        name: z.string(),
        displayName: z.string().nullish(),
        inputTokenLimit: z.number().nullish(),
        supportedGenerationMethods: z.array(z.string()).nullish(),
      }),
    )
    .optional(),
  nextPageToken: z.string().nullish(),
});

/**
 * The provider's live list of chat models, in the provider's order. Throws ProviderError on HTTP errors
 * (classified like chat errors, with the provider's message), on network failures (PROVIDER_UNAVAILABLE),
 * on a body it does not understand (PROVIDER_ERROR) and when a cloud provider has no key (PROVIDER_AUTH).
 * Azure has no reliable list of deployments: its key is checked and the list is empty.
 */
export async function listProviderModels(request: ModelListRequest): Promise<ListedModel[]> {
  return unique(await listModels(request));
}

async function listModels(request: ModelListRequest): Promise<ListedModel[]> {
  const { provider, baseUrl } = request;
  switch (provider) {
    case "openai": {
      const models = await getOpenAiList(request, `${baseUrl}/models`, bearer(requireKey(request)));
      return models.filter(({ id }) => OPENAI_CHAT_MODEL.test(id) && !OPENAI_NOT_CHAT.test(id)).map(idOnly);
    }
    case "xai": {
      const models = await getOpenAiList(request, `${baseUrl}/models`, bearer(requireKey(request)));
      return models.filter(({ id }) => !XAI_NOT_CHAT.test(id)).map(idOnly);
    }
    case "mistral": {
      const models = await getOpenAiList(request, `${baseUrl}/v1/models`, bearer(requireKey(request)));
      // Mistral's `name` is the dated model an alias points to ("mistral-large-2512"), not a display name.
      return models
        .filter((model) => model.capabilities?.completion_chat !== false)
        .map((model) => ({ ...idOnly(model), contextWindow: model.max_context_length ?? null }));
    }
    case "ollama": {
      const headers = request.apiKey ? bearer(request.apiKey) : {};
      return (await getOpenAiList(request, `${baseUrl}/v1/models`, headers)).map(idOnly);
    }
    case "anthropic":
      return listAnthropicModels(request);
    case "google":
      return listGoogleModels(request);
    case "azure": {
      const apiVersion = encodeURIComponent(request.azureApiVersion ?? DEFAULT_AZURE_API_VERSION);
      await getJson(request, `${baseUrl}/openai/models?api-version=${apiVersion}`, {
        "api-key": requireKey(request),
      });
      return [];
    }
  }
}

async function getOpenAiList(
  request: ModelListRequest,
  url: string,
  headers: Record<string, string>,
): Promise<z.infer<typeof openAiListSchema>["data"]> {
  return parseList(request.provider, await getJson(request, url, headers), openAiListSchema).data;
}

async function listAnthropicModels(request: ModelListRequest): Promise<ListedModel[]> {
  const headers = { "x-api-key": requireKey(request), "anthropic-version": ANTHROPIC_VERSION };
  const models: ListedModel[] = [];
  let afterId: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const cursor = afterId === undefined ? "" : `&after_id=${encodeURIComponent(afterId)}`;
    const url = `${request.baseUrl}/v1/models?limit=${PAGE_SIZE}${cursor}`;
    const body = parseList("anthropic", await getJson(request, url, headers), anthropicPageSchema);
    for (const model of body.data) {
      models.push({
        providerModel: model.id,
        name: model.display_name ?? null,
        contextWindow: model.max_input_tokens ?? null,
      });
    }
    if (!body.has_more || !body.last_id || body.last_id === afterId) break;
    afterId = body.last_id;
  }
  return models;
}

async function listGoogleModels(request: ModelListRequest): Promise<ListedModel[]> {
  const headers = { "x-goog-api-key": requireKey(request) };
  const models: ListedModel[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const cursor = pageToken === undefined ? "" : `&pageToken=${encodeURIComponent(pageToken)}`;
    const url = `${request.baseUrl}/v1beta/models?pageSize=${PAGE_SIZE}${cursor}`;
    const body = parseList("google", await getJson(request, url, headers), googlePageSchema);
    for (const model of body.models ?? []) {
      // Embedding, image-generation and question-answering models list other methods.
      if (!model.supportedGenerationMethods?.includes("generateContent")) continue;
      models.push({
        providerModel: model.name.replace(/^models\//, ""),
        name: model.displayName ?? null,
        contextWindow: model.inputTokenLimit ?? null,
      });
    }
    if (!body.nextPageToken || body.nextPageToken === pageToken) break;
    pageToken = body.nextPageToken;
  }
  return models;
}

/** GETs `url` and returns the parsed JSON body; HTTP and network failures become ProviderErrors. */
async function getJson(
  request: ModelListRequest,
  url: string,
  headers: Record<string, string>,
): Promise<unknown> {
  const { provider, signal } = request;
  let response: Response;
  try {
    response = await (request.fetch ?? fetch)(url, {
      headers: { accept: "application/json", ...headers },
      signal,
    });
  } catch (error) {
    throw transportError(provider, error, signal);
  }
  if (!response.ok) {
    const error = await providerErrorFromResponse(provider, response);
    signal?.throwIfAborted();
    throw error;
  }
  try {
    return await response.json();
  } catch {
    // An unreadable body is reported by parseList, unless the caller gave up meanwhile.
    signal?.throwIfAborted();
    return undefined;
  }
}

function parseList<Schema extends z.ZodType>(
  provider: ProviderId,
  body: unknown,
  schema: Schema,
): z.infer<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new ProviderError({
    code: "PROVIDER_ERROR",
    provider,
    message: `${PROVIDER_NAMES[provider]} sent a model list this client does not understand`,
    cause: result.error,
  });
}

function transportError(provider: ProviderId, error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  const cause = error instanceof Error && isRecord(error.cause) ? error.cause.code : undefined;
  return new ProviderError({
    code: "PROVIDER_UNAVAILABLE",
    provider,
    message: `Could not reach ${PROVIDER_NAMES[provider]}${typeof cause === "string" ? ` (${cause})` : ""}`,
    cause: error,
  });
}

/** A cloud provider without a key would only answer 401; say so without asking. */
function requireKey(request: ModelListRequest): string {
  if (request.apiKey) return request.apiKey;
  throw new ProviderError({
    code: "PROVIDER_AUTH",
    provider: request.provider,
    message: `${PROVIDER_NAMES[request.provider]} needs an API key to list its models`,
  });
}

function bearer(apiKey: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}` };
}

function idOnly(model: { id: string }): ListedModel {
  return { providerModel: model.id, name: null, contextWindow: null };
}

/** Drops repeated names (a page boundary that moved, aliases listed twice); the first one wins. */
function unique(models: ListedModel[]): ListedModel[] {
  const seen = new Set<string>();
  return models.filter((model) => !seen.has(model.providerModel) && seen.add(model.providerModel));
}
