import { z } from "zod";
import {
  parseStreamPayload,
  streamEndedEarly,
  streamRequest,
  unframedStreamError,
} from "./stream-request.js";
import type { AdapterOptions, CompletionRequest, ProviderAdapter, TokenUsage } from "./types.js";
import { PROVIDER_NAMES, ProviderError } from "./types.js";

// Gemini API: `POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse`, key in `x-goog-api-key`.
// Events are `data: {json}\r\n\r\n`; there is no end marker, the last chunk carries `finishReason`.
// Every chunk repeats the cumulative `usageMetadata`; the last one counts.

const count = z.number().nullish();
const usageSchema = z.object({
  promptTokenCount: count,
  cachedContentTokenCount: count,
  candidatesTokenCount: count,
  thoughtsTokenCount: count,
  toolUsePromptTokenCount: count,
});

const chunkSchema = z.object({
  candidates: z
    .array(
      z.object({
        content: z
          .object({
            parts: z
              .array(z.object({ text: z.string().optional(), thought: z.boolean().optional() }))
              .nullish(),
          })
          .nullish(),
        finishReason: z.string().nullish(),
      }),
    )
    .nullish(),
  usageMetadata: usageSchema.nullish(),
  promptFeedback: z.object({ blockReason: z.string().nullish() }).nullish(),
});

export function createGoogleAdapter(options: AdapterOptions): ProviderAdapter {
  return {
    id: "google",
    async *stream(request, signal) {
      let usage: z.infer<typeof usageSchema> | undefined;
      let finished = false;
      const model = encodeURIComponent(request.model.replace(/^models\//, ""));
      const messages = streamRequest({
        provider: "google",
        fetch: options.fetch ?? fetch,
        url: `${options.baseUrl}/v1beta/models/${model}:streamGenerateContent?alt=sse`,
        headers: { "x-goog-api-key": options.apiKey },
        body: buildRequestBody(request),
        signal,
        idleTimeoutMs: request.idleTimeoutMs,
        onAccepted: request.onAccepted,
      });
      for await (const message of messages) {
        // After a 200, Gemini may end the body with a raw JSON error object instead of an SSE event.
        if (message.unframed) throw unframedStreamError("google", message.data);
        const chunk = parseStreamPayload("google", message.data, chunkSchema);
        const blockReason = chunk.promptFeedback?.blockReason;
        if (blockReason) {
          throw new ProviderError({
            code: "PROVIDER_BAD_REQUEST",
            provider: "google",
            message: `${PROVIDER_NAMES.google} blocked the prompt (${blockReason})`,
          });
        }
        for (const candidate of chunk.candidates?.slice(0, 1) ?? []) {
          for (const part of candidate.content?.parts ?? []) {
            // Thought summaries are not part of the answer.
            if (part.text && part.thought !== true) yield { type: "delta", text: part.text };
          }
          if (candidate.finishReason) finished = true;
        }
        if (chunk.usageMetadata) usage = chunk.usageMetadata;
      }
      if (!finished) throw streamEndedEarly("google");
      if (usage) yield { type: "usage", usage: normaliseUsage(usage) };
    },
  };
}

function buildRequestBody(request: CompletionRequest): Record<string, unknown> {
  const generationConfig = {
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
  };
  return {
    contents: request.messages.map((turn) => ({
      role: turn.role === "assistant" ? "model" : "user",
      parts: [{ text: turn.content }],
    })),
    ...(request.system ? { systemInstruction: { parts: [{ text: request.system }] } } : {}),
    ...(Object.keys(generationConfig).length > 0 ? { generationConfig } : {}),
  };
}

/** promptTokenCount includes cached content; thoughts are billed as output beside candidatesTokenCount. */
function normaliseUsage(usage: z.infer<typeof usageSchema>): TokenUsage {
  const reasoningTokens = usage.thoughtsTokenCount ?? 0;
  return {
    promptTokens: (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0),
    cachedTokens: usage.cachedContentTokenCount ?? 0,
    completionTokens: (usage.candidatesTokenCount ?? 0) + reasoningTokens,
    reasoningTokens,
  };
}
