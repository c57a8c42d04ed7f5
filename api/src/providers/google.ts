import { z } from "zod";
import { embeddingResult } from "./embedding-result.js";
import { postJson } from "./json-request.js";
import {
  parseStreamPayload,
  streamEndedEarly,
  streamRequest,
  unframedStreamError,
} from "./stream-request.js";
import type {
  AdapterOptions,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResult,
  ProviderAdapter,
  TokenUsage,
} from "./types.js";
import { PROVIDER_NAMES, ProviderError } from "./types.js";

// Gemini API: `POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse`, key in `x-goog-api-key`.
// Events are `data: {json}\r\n\r\n`; there is no end marker, the last chunk carries `finishReason`.
// Every chunk repeats the cumulative `usageMetadata`; the last one counts.
// Embeddings: `POST {base}/v1beta/models/{model}:batchEmbedContents`, one request per input; the answer has
// no usage, so the inputs are counted with the o200k tokenizer (embedding-result.ts).

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

const batchEmbeddingsSchema = z.object({ embeddings: z.array(z.object({ values: z.array(z.number()) })) });

const TASK_TYPES = { document: "RETRIEVAL_DOCUMENT", query: "RETRIEVAL_QUERY" } as const;

export function createGoogleAdapter(options: AdapterOptions): ProviderAdapter {
  return {
    id: "google",
    embed: (request, signal) => embed(options, request, signal),
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

async function embed(
  options: AdapterOptions,
  request: EmbeddingRequest,
  signal: AbortSignal,
): Promise<EmbeddingResult> {
  const model = request.model.replace(/^models\//, "");
  const answer = await postJson({
    provider: "google",
    fetch: options.fetch ?? fetch,
    url: `${options.baseUrl}/v1beta/models/${encodeURIComponent(model)}:batchEmbedContents`,
    headers: { "x-goog-api-key": options.apiKey },
    body: {
      requests: request.inputs.map((text) => ({
        model: `models/${model}`,
        content: { parts: [{ text }] },
        taskType: TASK_TYPES[request.purpose],
        ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
      })),
    },
    signal,
    schema: batchEmbeddingsSchema,
  });
  // The answer lists the embeddings in the order of the requests.
  const vectors = answer.embeddings.map((embedding) => embedding.values);
  return embeddingResult("google", request.inputs, vectors, undefined);
}

function buildRequestBody(request: CompletionRequest): Record<string, unknown> {
  const generationConfig = {
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
  };
  return {
    contents: request.messages.map((turn) => ({
      role: turn.role === "assistant" ? "model" : "user",
      parts: [
        ...(turn.images ?? []).map((image) => ({
          inlineData: { mimeType: image.mimeType, data: image.base64 },
        })),
        { text: turn.content },
      ],
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
