import {
  contentText,
  countParts,
  DONE_EVENT,
  dataEvent,
  isRecord,
  PING_COMMENT,
  wantsPing,
} from "./sse-format.js";
import type { ErrorStatus, JsonReply, ParsedRequest, StreamPlan, Usage, WireFormat } from "./types.js";

// The Chat Completions stream shared by OpenAI, Azure, xAI, Mistral and Ollama; each variant supplies the
// chunk fields, usage shape and error bodies recorded for that provider (see openai-formats.ts).

type Json = Record<string, unknown>;

export interface ChatCompletionsVariant {
  /** Fields of every chunk except `choices`. */
  chunkFields(plan: StreamPlan): Json;
  /** Extra fields of every choice (`logprobs`, Azure's `content_filter_results`). */
  choiceFields: Json;
  /** xAI leaves `finish_reason` out until the last chunk. */
  omitNullFinishReason?: boolean;
  /** Azure opens with a choice-less prompt-filter chunk. */
  preamble?: Json;
  /** The empty first delta, or null where the provider starts with content (Ollama). */
  firstDelta: Json | null;
  contentDelta(piece: string): Json;
  /** Deltas carrying reasoning text (sent when reasoning tokens are reported); none for OpenAI. */
  reasoningDeltas(): Json[];
  finishDelta: Json;
  usage(usage: Usage): Json;
  /** Mistral sends usage on the finish chunk, without being asked. */
  usageOnFinishChunk?: boolean;
  streamError: Json;
  /** Where the key goes; Ollama checks none. */
  auth: "bearer" | "api-key" | "none";
  authError: JsonReply;
  errorReply(code: ErrorStatus, retryAfterSeconds: number | undefined): JsonReply;
  invalidRequest(message: string): JsonReply;
  /** Provider-specific request checks (unsupported parameters, unknown fields). */
  checkRequest?(body: Json): JsonReply | undefined;
  /** Azure takes the model from the deployment in the path. */
  modelFromPath?: boolean;
}

export function chatCompletionsFormat(variant: ChatCompletionsVariant): WireFormat {
  return {
    contentType: "text/event-stream; charset=utf-8",
    checkAuth: ({ headers }, apiKey) => {
      if (variant.auth === "none") return undefined;
      const given = variant.auth === "bearer" ? headers.authorization : headers["api-key"];
      const expected = variant.auth === "bearer" ? `Bearer ${apiKey}` : apiKey;
      return given === expected ? undefined : variant.authError;
    },
    errorReply: (code, retryAfterSeconds) => variant.errorReply(code, retryAfterSeconds),
    parseRequest: (body, pathModel) => parseChatRequest(variant, body, pathModel),
    frames: (plan) => chatFrames(variant, plan),
  };
}

function parseChatRequest(
  variant: ChatCompletionsVariant,
  body: unknown,
  pathModel: string | undefined,
): ParsedRequest | JsonReply {
  if (!isRecord(body) || !Array.isArray(body.messages))
    return variant.invalidRequest("'messages' is required");
  const model = variant.modelFromPath ? pathModel : body.model;
  if (typeof model !== "string" || !model) return variant.invalidRequest("'model' is required");
  if (body.stream !== true)
    return variant.invalidRequest("the fake provider only streams: set 'stream' to true");
  const messages = body.messages.filter(isRecord);
  if (
    messages.some((message) => !["system", "developer", "user", "assistant"].includes(String(message.role)))
  ) {
    return variant.invalidRequest("Invalid value for 'messages[].role'");
  }
  const problem = variant.checkRequest?.(body);
  if (problem) return problem;
  const lastUser = messages.filter((message) => message.role === "user").at(-1);
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  return {
    model,
    lastUserText: contentText(lastUser?.content),
    lastUserImages: countParts(
      lastUser?.content,
      (part) =>
        part.type === "image_url" &&
        isRecord(part.image_url) &&
        typeof part.image_url.url === "string" &&
        /^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/]+=*$/.test(part.image_url.url),
    ),
    promptText: messages.map((message) => contentText(message.content)).join("\n"),
    includeUsage: streamOptions.include_usage === true,
    maxOutputTokens: numberOrUndefined(body.max_completion_tokens ?? body.max_tokens),
  };
}

const numberOrUndefined = (value: unknown) => (typeof value === "number" ? value : undefined);

function chatFrames(variant: ChatCompletionsVariant, plan: StreamPlan): string[] {
  const chunk = (choices: Json[], extra: Json = {}) =>
    dataEvent({ ...variant.chunkFields(plan), choices, ...extra });
  const choice = (delta: Json, finishReason: string | null = null): Json => ({
    index: 0,
    delta,
    ...variant.choiceFields,
    ...(finishReason === null && variant.omitNullFinishReason ? {} : { finish_reason: finishReason }),
  });

  const frames: string[] = [];
  if (variant.preamble) frames.push(dataEvent(variant.preamble));
  if (variant.firstDelta) frames.push(chunk([choice(variant.firstDelta)]));
  if (plan.usage.reasoningTokens > 0) {
    for (const delta of variant.reasoningDeltas()) frames.push(chunk([choice(delta)]));
  }
  plan.pieces.forEach((piece, index) => {
    if (wantsPing(plan.pings, index)) frames.push(PING_COMMENT);
    frames.push(chunk([choice(variant.contentDelta(piece))]));
  });
  if (plan.ending === "stall") return frames;
  if (plan.ending === "error") return [...frames, dataEvent(variant.streamError), DONE_EVENT];

  const finish = choice(variant.finishDelta, plan.truncated ? "length" : "stop");
  if (variant.usageOnFinishChunk) {
    frames.push(chunk([finish], { usage: variant.usage(plan.usage) }));
  } else {
    frames.push(chunk([finish]));
    if (plan.includeUsage) frames.push(chunk([], { usage: variant.usage(plan.usage) }));
  }
  frames.push(DONE_EVENT);
  return frames;
}
