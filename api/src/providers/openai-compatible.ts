import { z } from "zod";
import { embeddingResult } from "./embedding-result.js";
import { postJson } from "./json-request.js";
import { parseStreamPayload, streamEndedEarly, streamRequest } from "./stream-request.js";
import type {
  ChatTurn,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResult,
  ProviderAdapter,
  ProviderId,
  TokenUsage,
} from "./types.js";

// One implementation of the Chat Completions streaming format and of the `/embeddings` endpoint, shared by
// OpenAI, Azure OpenAI, Mistral, xAI and Ollama / other OpenAI-compatible servers. Each provider file only
// supplies its configuration.

export interface OpenAiCompatibleConfig {
  id: ProviderId;
  /** Full URL of the chat completions endpoint (Azure puts the deployment, i.e. the model, into it). */
  url: (model: string) => string;
  /** Authentication headers (`Authorization: Bearer …`, Azure's `api-key`, or none). */
  headers: Record<string, string>;
  /** Default `max_completion_tokens` (OpenAI deprecated `max_tokens`); Mistral and Ollama take `max_tokens`. */
  maxTokensField?: "max_completion_tokens" | "max_tokens";
  /** Default true: send `stream_options.include_usage`. Mistral reports usage without it and rejects unknown fields. */
  requestUsage?: boolean;
  /** xAI counts reasoning tokens beside `completion_tokens`, not inside them. Default false. */
  reasoningOutsideCompletion?: boolean;
  /** The embeddings endpoint; absent where the provider has none (xAI), and then the adapter has no `embed`. */
  embeddings?: OpenAiEmbeddingsConfig;
  fetch?: typeof fetch;
}

export interface OpenAiEmbeddingsConfig {
  /** Full URL of `POST …/embeddings` (Azure puts the deployment, i.e. the model, into it). */
  url: (model: string) => string;
  /** The name of the requested vector length: `dimensions` (default; OpenAI, Azure, vLLM, Ollama) or Mistral's `output_dimension`. */
  dimensionsField?: "dimensions" | "output_dimension";
}

const embeddingsSchema = z.object({
  data: z.array(
    z.object({
      // Servers that ignore `encoding_format` may still answer base64 (little-endian float32).
      embedding: z.union([z.array(z.number()), z.string()]),
      index: z.number().int().nonnegative().nullish(),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number().nullish() }).nullish(),
});

// Mistral's reasoning models stream `content` as typed parts; only `text` parts are the visible answer.
const contentPartSchema = z.object({ type: z.string(), text: z.string().optional() });

const usageSchema = z.object({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().nullish() }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
});

const chunkSchema = z.object({
  // Azure opens the stream with a choice-less chunk that only carries prompt_filter_results.
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.union([z.string(), z.array(contentPartSchema)]).nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: usageSchema.nullish(),
});

export function createOpenAiCompatibleAdapter(config: OpenAiCompatibleConfig): ProviderAdapter {
  const { embeddings } = config;
  return {
    id: config.id,
    ...(embeddings ? { embed: (request, signal) => embedWith(config, embeddings, request, signal) } : {}),
    async *stream(request, signal) {
      let usage: TokenUsage | undefined;
      let finished = false;
      const messages = streamRequest({
        provider: config.id,
        fetch: config.fetch ?? fetch,
        url: config.url(request.model),
        headers: config.headers,
        body: buildRequestBody(config, request),
        signal,
        idleTimeoutMs: request.idleTimeoutMs,
        onAccepted: request.onAccepted,
      });
      for await (const message of messages) {
        if (message.data === "[DONE]") {
          finished = true;
          break;
        }
        const chunk = parseStreamPayload(config.id, message.data, chunkSchema);
        for (const choice of chunk.choices ?? []) {
          const text = visibleText(choice.delta?.content);
          if (text) yield { type: "delta", text };
          if (choice.finish_reason) finished = true;
        }
        if (chunk.usage) usage = normaliseUsage(chunk.usage, config.reasoningOutsideCompletion === true);
      }
      if (!finished) throw streamEndedEarly(config.id);
      if (usage) yield { type: "usage", usage };
    },
  };
}

function buildRequestBody(
  config: OpenAiCompatibleConfig,
  request: CompletionRequest,
): Record<string, unknown> {
  const turns = request.messages.map((turn) => ({ role: turn.role, content: openAiContent(turn) }));
  const messages = request.system ? [{ role: "system", content: request.system }, ...turns] : turns;
  return {
    model: request.model,
    messages,
    stream: true,
    ...(config.requestUsage === false ? {} : { stream_options: { include_usage: true } }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.maxOutputTokens === undefined
      ? {}
      : { [config.maxTokensField ?? "max_completion_tokens"]: request.maxOutputTokens }),
  };
}

/** Text alone stays a string; with images the content is parts, each image a data: URL (`image_url`). */
function openAiContent({ content, images }: ChatTurn) {
  if (!images?.length) return content;
  return [
    ...images.map((image) => ({
      type: "image_url",
      image_url: { url: `data:${image.mimeType};base64,${image.base64}` },
    })),
    { type: "text", text: content },
  ];
}

function visibleText(content: string | z.infer<typeof contentPartSchema>[] | null | undefined): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content.map((part) => (part.type === "text" ? (part.text ?? "") : "")).join("");
}

function normaliseUsage(usage: z.infer<typeof usageSchema>, reasoningOutsideCompletion: boolean): TokenUsage {
  const reasoningTokens = usage.completion_tokens_details?.reasoning_tokens ?? 0;
  const completionTokens = usage.completion_tokens ?? 0;
  return {
    promptTokens: usage.prompt_tokens ?? 0,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    completionTokens: reasoningOutsideCompletion ? completionTokens + reasoningTokens : completionTokens,
    reasoningTokens,
  };
}

async function embedWith(
  config: OpenAiCompatibleConfig,
  embeddings: OpenAiEmbeddingsConfig,
  request: EmbeddingRequest,
  signal: AbortSignal,
): Promise<EmbeddingResult> {
  const answer = await postJson({
    provider: config.id,
    fetch: config.fetch ?? fetch,
    url: embeddings.url(request.model),
    headers: config.headers,
    body: {
      model: request.model,
      input: request.inputs,
      encoding_format: "float",
      ...(request.dimensions === undefined
        ? {}
        : { [embeddings.dimensionsField ?? "dimensions"]: request.dimensions }),
    },
    signal,
    schema: embeddingsSchema,
  });
  // `index` says which input a vector belongs to; the order of `data` is not promised.
  const vectors: (number[] | undefined)[] = new Array(request.inputs.length).fill(undefined);
  answer.data.forEach((item, position) => {
    const index = item.index ?? position;
    if (index < vectors.length) vectors[index] = floatsOf(item.embedding);
  });
  return embeddingResult(config.id, request.inputs, vectors, answer.usage?.prompt_tokens);
}

function floatsOf(embedding: number[] | string): number[] {
  if (typeof embedding !== "string") return embedding;
  const bytes = Buffer.from(embedding, "base64");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: Math.floor(bytes.byteLength / 4) }, (_, index) =>
    view.getFloat32(index * 4, true),
  );
}
