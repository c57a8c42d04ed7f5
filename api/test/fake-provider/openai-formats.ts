import { chatCompletionsFormat } from "./chat-completions.js";
import { jsonReply, REASONING_PIECES, retryAfterHeader } from "./sse-format.js";
import type { ErrorStatus, JsonReply, StreamPlan, Usage, WireFormat } from "./types.js";

// The five Chat Completions dialects. Chunk shapes, usage fields and error bodies follow the recordings in
// the provider wire-format reference (§2 OpenAI, §5 Mistral, §6 xAI, §7 Ollama); bodies the reference has no
// capture for (Azure, some 5xx) follow the providers' documented shapes.

const CREATED = 1_782_955_818;

export function openAiError(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

const CONTEXT_MESSAGE =
  "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.";

function openAiStyleErrors(code: ErrorStatus, retryAfterSeconds: number | undefined): JsonReply {
  switch (code) {
    case 400:
      return jsonReply(
        400,
        openAiError(CONTEXT_MESSAGE, "invalid_request_error", "context_length_exceeded", "messages"),
      );
    case 401:
      return OPENAI_AUTH_ERROR;
    case 429:
      return jsonReply(
        429,
        openAiError(
          `Rate limit reached for requests in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${retryAfterSeconds ?? 20}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
          "requests",
          "rate_limit_exceeded",
        ),
        retryAfterHeader(retryAfterSeconds),
      );
    case 500:
      return jsonReply(
        500,
        openAiError(
          "The server had an error while processing your request. Sorry about that!",
          "server_error",
          null,
        ),
      );
    case 503:
      return jsonReply(
        503,
        openAiError("The engine is currently overloaded, please try again later.", "server_error", null),
      );
  }
}

const OPENAI_AUTH_ERROR = jsonReply(
  401,
  openAiError(
    "Incorrect API key provided: sk-wrong***-key. You can find your API key at https://platform.openai.com/account/api-keys.",
    "invalid_request_error",
    "invalid_api_key",
  ),
);

function openAiUsage(usage: Usage) {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

const REASONING_MODEL = /^(o\d|gpt-5(?!-chat))/;

export const openAiFormat: WireFormat = chatCompletionsFormat({
  chunkFields: (plan) => ({
    id: `chatcmpl-Fake${plan.requestNumber}`,
    object: "chat.completion.chunk",
    created: CREATED,
    model: plan.model,
    service_tier: "default",
    system_fingerprint: "fp_fake00001",
    ...(plan.includeUsage ? { usage: null } : {}),
    obfuscation: "Fk4e",
  }),
  choiceFields: { logprobs: null },
  firstDelta: { role: "assistant", content: "", refusal: null },
  contentDelta: (piece) => ({ content: piece }),
  reasoningDeltas: () => [],
  finishDelta: {},
  usage: openAiUsage,
  streamError: openAiError(
    "The server experienced an error while processing your request. We apologize for the inconvenience!",
    "server_error",
    null,
  ),
  auth: "bearer",
  authError: OPENAI_AUTH_ERROR,
  errorReply: openAiStyleErrors,
  invalidRequest: (message) => jsonReply(400, openAiError(message, "invalid_request_error", null)),
  // Reasoning models reject these (recorded 400 bodies in reference §2.7).
  checkRequest: (body) => {
    if (typeof body.model !== "string" || !REASONING_MODEL.test(body.model)) return undefined;
    if (body.temperature !== undefined && body.reasoning_effort !== "none") {
      return jsonReply(
        400,
        openAiError(
          "Unsupported parameter: 'temperature' is not supported with this model.",
          "invalid_request_error",
          null,
          "temperature",
        ),
      );
    }
    if (body.max_tokens !== undefined) {
      return jsonReply(
        400,
        openAiError(
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          "invalid_request_error",
          "unsupported_parameter",
          "max_tokens",
        ),
      );
    }
    return undefined;
  },
});

const SAFE = { filtered: false, severity: "safe" };
const CONTENT_FILTER_RESULTS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };

function azureError(code: string, message: string) {
  return { error: { code, message } };
}

export const azureFormat: WireFormat = chatCompletionsFormat({
  modelFromPath: true,
  preamble: {
    choices: [],
    created: 0,
    id: "",
    model: "",
    object: "",
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: CONTENT_FILTER_RESULTS }],
  },
  chunkFields: (plan) => ({
    id: `chatcmpl-AzFake${plan.requestNumber}`,
    object: "chat.completion.chunk",
    created: CREATED,
    model: plan.model,
    system_fingerprint: "fp_azure0001",
  }),
  choiceFields: { logprobs: null, content_filter_results: CONTENT_FILTER_RESULTS },
  firstDelta: { role: "assistant", content: "", refusal: null },
  contentDelta: (piece) => ({ content: piece }),
  reasoningDeltas: () => [],
  finishDelta: {},
  usage: openAiUsage,
  streamError: openAiError("The server had an error while processing your request.", "server_error", null),
  auth: "api-key",
  authError: jsonReply(
    401,
    azureError(
      "401",
      "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
    ),
  ),
  errorReply: (code, retryAfterSeconds) => {
    if (code === 400 || code === 401) return openAiStyleErrors(code, retryAfterSeconds);
    if (code === 429) {
      return jsonReply(
        429,
        azureError(
          "429",
          `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${retryAfterSeconds ?? 60} seconds.`,
        ),
        retryAfterHeader(retryAfterSeconds),
      );
    }
    return jsonReply(
      code,
      azureError(
        "InternalServerError",
        "The service is temporarily unable to process your request. Please try again later.",
      ),
    );
  },
  invalidRequest: (message) => jsonReply(400, openAiError(message, "invalid_request_error", null)),
});

function xaiError(code: string, error: string) {
  return { code, error };
}

export const xaiFormat: WireFormat = chatCompletionsFormat({
  chunkFields: (plan) => ({
    id: `7327b9f5-1c2f-0a15-3fef-${String(plan.requestNumber).padStart(12, "0")}`,
    object: "chat.completion.chunk",
    created: CREATED,
    model: plan.model,
    system_fingerprint: "fp_2a885414fb",
  }),
  choiceFields: {},
  omitNullFinishReason: true,
  firstDelta: { role: "assistant", content: "" },
  contentDelta: (piece) => ({ content: piece }),
  reasoningDeltas: () => REASONING_PIECES.map((text) => ({ reasoning_content: text })),
  finishDelta: {},
  // completion_tokens EXCLUDES reasoning on xAI; total = prompt + completion + reasoning.
  usage: (usage) => {
    const uncached = usage.promptTokens - usage.cachedTokens;
    const microDollars = uncached * 1.25 + usage.cachedTokens * 0.2 + usage.completionTokens * 2.5;
    return {
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens - usage.reasoningTokens,
      total_tokens: usage.promptTokens + usage.completionTokens,
      prompt_tokens_details: {
        text_tokens: usage.promptTokens,
        audio_tokens: 0,
        image_tokens: 0,
        cached_tokens: usage.cachedTokens,
      },
      completion_tokens_details: {
        reasoning_tokens: usage.reasoningTokens,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
      num_sources_used: 0,
      cost_in_usd_ticks: Math.round(microDollars * 10_000),
    };
  },
  streamError: xaiError("Internal error", "The model encountered an error while generating the response."),
  auth: "bearer",
  authError: jsonReply(
    400,
    xaiError(
      "Client specified an invalid argument",
      "Incorrect API key provided: wr***ey. You can obtain an API key from https://console.x.ai.",
    ),
  ),
  errorReply: (code) => {
    switch (code) {
      case 400:
        return jsonReply(
          400,
          xaiError(
            "Client specified an invalid argument",
            "This model's maximum prompt length is 131072 but the request contains 537812 tokens.",
          ),
        );
      case 401:
        return jsonReply(
          400,
          xaiError("Client specified an invalid argument", "Incorrect API key provided."),
        );
      case 429:
        return jsonReply(
          429,
          xaiError("Some resource has been exhausted", "Too many requests. Please slow down."),
        );
      default:
        return jsonReply(code, xaiError("Internal error", "The service is currently unavailable."));
    }
  },
  invalidRequest: (message) => jsonReply(400, xaiError("Client specified an invalid argument", message)),
});

export function mistralError(message: unknown, type: string, code: string | null) {
  return { object: "error", message, type, param: null, code };
}

// Fields of Mistral's ChatCompletionStreamRequest (client-ts); the API rejects others with 422.
const MISTRAL_FIELDS = new Set(
  "model messages temperature top_p max_tokens stream stop random_seed response_format tools tool_choice presence_penalty frequency_penalty n prediction parallel_tool_calls reasoning_effort prompt_mode guardrails prompt_cache_key safe_prompt metadata".split(
    " ",
  ),
);

export const mistralFormat: WireFormat = chatCompletionsFormat({
  chunkFields: (plan) => ({
    id: `9f9d90210f194076abeee2238${String(plan.requestNumber).padStart(7, "0")}`,
    object: "chat.completion.chunk",
    created: CREATED,
    model: plan.model,
  }),
  choiceFields: { logprobs: null },
  firstDelta: { role: "assistant", content: "" },
  contentDelta: (piece) => ({ content: piece }),
  // Magistral streams thinking as typed content parts.
  reasoningDeltas: () =>
    REASONING_PIECES.map((text) => ({ content: [{ type: "thinking", thinking: [{ type: "text", text }] }] })),
  finishDelta: { content: "" },
  usageOnFinishChunk: true,
  usage: (usage) => ({
    prompt_tokens: usage.promptTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    completion_tokens: usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
    ...(usage.reasoningTokens > 0
      ? { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } }
      : {}),
  }),
  streamError: mistralError("Internal server error", "internal_server_error", "1000"),
  auth: "bearer",
  authError: jsonReply(401, { detail: "Unauthorized" }),
  errorReply: (code) => {
    switch (code) {
      case 400:
        return jsonReply(
          400,
          mistralError(
            "Prompt contains 40960 tokens and 0 draft tokens, too large for model with 32768 maximum context length",
            "invalid_request_message_error",
            null,
          ),
        );
      case 401:
        return jsonReply(401, { detail: "Unauthorized" });
      case 429:
        return jsonReply(429, { message: "Requests rate limit exceeded" });
      default:
        return jsonReply(code, mistralError("Internal server error", "internal_server_error", "1000"));
    }
  },
  invalidRequest: (message) => jsonReply(400, mistralError(message, "invalid_request_error", null)),
  checkRequest: (body) => {
    const extra = Object.keys(body).find((field) => !MISTRAL_FIELDS.has(field));
    if (extra === undefined) return undefined;
    const detail = [
      {
        type: "extra_forbidden",
        loc: ["body", extra],
        msg: "Extra inputs are not permitted",
        input: body[extra],
      },
    ];
    return jsonReply(422, mistralError({ detail }, "invalid_request_error", null));
  },
});

function ollamaError(status: number, message: string): JsonReply {
  const type = status === 400 ? "invalid_request_error" : status === 404 ? "not_found_error" : "api_error";
  return jsonReply(status, openAiError(message, type, null));
}

export const ollamaFormat: WireFormat = chatCompletionsFormat({
  chunkFields: (plan: StreamPlan) => ({
    id: `chatcmpl-${plan.requestNumber % 999}`,
    object: "chat.completion.chunk",
    created: CREATED,
    model: plan.model,
    system_fingerprint: "fp_ollama",
  }),
  choiceFields: {},
  firstDelta: null,
  contentDelta: (piece) => ({ role: "assistant", content: piece }),
  reasoningDeltas: () =>
    REASONING_PIECES.map((text) => ({ role: "assistant", content: "", reasoning: text })),
  finishDelta: { role: "assistant", content: "" },
  // Ollama has no cached or reasoning counts: prompt_eval_count and eval_count only.
  usage: (usage) => ({
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  }),
  streamError: openAiError("an error was encountered while running the model", "api_error", null),
  auth: "none",
  authError: ollamaError(401, "unauthorized"),
  errorReply: (code) => {
    const messages: Record<ErrorStatus, string> = {
      400: "the input length exceeds the context length",
      401: "unauthorized",
      429: "too many requests",
      500: "an error was encountered while running the model",
      503: "server busy, please try again.  maximum pending requests exceeded",
    };
    return ollamaError(code, messages[code]);
  },
  invalidRequest: (message) => ollamaError(400, message),
});
