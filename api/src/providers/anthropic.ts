import { z } from "zod";
import { parseStreamPayload, streamEndedEarly, streamRequest } from "./stream-request.js";
import type { AdapterOptions, ChatTurn, CompletionRequest, ProviderAdapter, TokenUsage } from "./types.js";

// Anthropic Messages API: `POST {base}/v1/messages` with `stream: true`. Events: message_start (input usage),
// content_block_start/delta/stop, ping (anywhere), message_delta (stop reason + cumulative usage),
// message_stop, error. Unknown event types are ignored, as Anthropic asks.

/** `max_tokens` is required; every current Claude model allows at least this much output. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 8192;

const ANTHROPIC_VERSION = "2023-06-01";

const count = z.number().nullish();
const usageSchema = z.object({
  input_tokens: count,
  cache_creation_input_tokens: count,
  cache_read_input_tokens: count,
  output_tokens: count,
  output_tokens_details: z.object({ thinking_tokens: count }).nullish(),
});
type AnthropicUsage = z.infer<typeof usageSchema>;

const eventSchema = z.object({
  type: z.string(),
  message: z.object({ usage: usageSchema.nullish() }).nullish(),
  delta: z.object({ type: z.string().optional(), text: z.string().optional() }).nullish(),
  usage: usageSchema.nullish(),
});

export function createAnthropicAdapter(options: AdapterOptions): ProviderAdapter {
  return {
    id: "anthropic",
    async *stream(request, signal) {
      let usage: AnthropicUsage = {};
      let finished = false;
      const messages = streamRequest({
        provider: "anthropic",
        fetch: options.fetch ?? fetch,
        url: `${options.baseUrl}/v1/messages`,
        headers: { "x-api-key": options.apiKey, "anthropic-version": ANTHROPIC_VERSION },
        body: buildRequestBody(request),
        signal,
        idleTimeoutMs: request.idleTimeoutMs,
        onAccepted: request.onAccepted,
      });
      for await (const message of messages) {
        const event = parseStreamPayload("anthropic", message.data, eventSchema);
        if (event.type === "message_start") {
          usage = mergeUsage(usage, event.message?.usage);
        } else if (
          event.type === "content_block_delta" &&
          event.delta?.type === "text_delta" &&
          event.delta.text
        ) {
          yield { type: "delta", text: event.delta.text };
        } else if (event.type === "message_delta") {
          // message_delta counts are cumulative and win over message_start (server tools can add input).
          usage = mergeUsage(usage, event.usage);
        } else if (event.type === "message_stop") {
          finished = true;
          break;
        }
      }
      if (!finished) throw streamEndedEarly("anthropic");
      yield { type: "usage", usage: normaliseUsage(usage) };
    },
  };
}

function buildRequestBody(request: CompletionRequest): Record<string, unknown> {
  return {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    ...(request.system ? { system: request.system } : {}),
    messages: request.messages.map((turn) => ({ role: turn.role, content: anthropicContent(turn) })),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    stream: true,
  };
}

function mergeUsage(current: AnthropicUsage, update: AnthropicUsage | null | undefined): AnthropicUsage {
  if (!update) return current;
  const present = Object.entries(update).filter(([, value]) => value !== null && value !== undefined);
  return { ...current, ...Object.fromEntries(present) };
}

/** `input_tokens` excludes cache reads and writes; the normalised prompt count includes both. */
function normaliseUsage(usage: AnthropicUsage): TokenUsage {
  const cachedTokens = usage.cache_read_input_tokens ?? 0;
  return {
    promptTokens: (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + cachedTokens,
    cachedTokens,
    completionTokens: usage.output_tokens ?? 0,
    reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? 0,
  };
}

/** Text alone stays a string; with images the content is blocks, each image a base64 `image` block. */
function anthropicContent({ content, images }: ChatTurn) {
  if (!images?.length) return content;
  return [
    ...images.map((image) => ({
      type: "image",
      source: { type: "base64", media_type: image.mimeType, data: image.base64 },
    })),
    { type: "text", text: content },
  ];
}
