import {
  contentText,
  countParts,
  isRecord,
  jsonReply,
  REASONING_PIECES,
  retryAfterHeader,
  wantsPing,
} from "./sse-format.js";
import type { AuthCheck, ErrorStatus, JsonReply, ParsedRequest, StreamPlan, WireFormat } from "./types.js";

// Anthropic Messages streaming as recorded (reference §3.3): `event:` + `data:` pairs, one ping after the first
// content_block_start, cumulative usage in message_delta, message_stop without [DONE]. Some recorded data
// lines pad the JSON with spaces before the closing brace; message_start and message_stop do so here too.

const PING = 'event: ping\ndata: {"type": "ping"}\n\n';

function event(type: string, payload: Record<string, unknown>, padding = ""): string {
  const json = JSON.stringify({ type, ...payload });
  return `event: ${type}\ndata: ${padding ? `${json.slice(0, -1)}${padding}}` : json}\n\n`;
}

function anthropicError(
  status: number,
  type: string,
  message: string,
  headers?: Record<string, string>,
): JsonReply {
  const requestId = "req_011CFakeRequest";
  return jsonReply(
    status,
    { type: "error", error: { type, message }, request_id: requestId },
    { "request-id": requestId, ...headers },
  );
}

function errorReply(code: ErrorStatus, retryAfterSeconds: number | undefined): JsonReply {
  switch (code) {
    case 400:
      return anthropicError(
        400,
        "invalid_request_error",
        "prompt is too long: 205351 tokens > 200000 maximum",
      );
    case 401:
      return anthropicError(401, "authentication_error", "invalid x-api-key");
    case 429:
      return anthropicError(
        429,
        "rate_limit_error",
        "This request would exceed your account's rate limit. Please try again later.",
        retryAfterHeader(retryAfterSeconds),
      );
    case 500:
      return anthropicError(500, "api_error", "Internal server error");
    case 503:
      // Anthropic reports overload as 529.
      return anthropicError(529, "overloaded_error", "Overloaded");
  }
}

function parseRequest(body: unknown): ParsedRequest | JsonReply {
  if (!isRecord(body) || !Array.isArray(body.messages)) {
    return anthropicError(400, "invalid_request_error", "messages: Field required");
  }
  if (typeof body.model !== "string")
    return anthropicError(400, "invalid_request_error", "model: Field required");
  if (typeof body.max_tokens !== "number") {
    return anthropicError(400, "invalid_request_error", "max_tokens: Field required");
  }
  if (body.stream !== true)
    return anthropicError(400, "invalid_request_error", "the fake provider only streams");
  const messages = body.messages.filter(isRecord);
  const wrongRole = messages.find((message) => message.role !== "user" && message.role !== "assistant");
  if (wrongRole) {
    return anthropicError(
      400,
      "invalid_request_error",
      `messages: Unexpected role "${String(wrongRole.role)}". The Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`,
    );
  }
  const lastUser = messages.filter((message) => message.role === "user").at(-1);
  return {
    model: body.model,
    lastUserText: contentText(lastUser?.content),
    lastUserImages: countParts(
      lastUser?.content,
      (part) =>
        part.type === "image" &&
        isRecord(part.source) &&
        part.source.type === "base64" &&
        /^image\/(png|jpeg|webp|gif)$/.test(String(part.source.media_type)) &&
        typeof part.source.data === "string" &&
        part.source.data.length > 0,
    ),
    promptText: [contentText(body.system), ...messages.map((message) => contentText(message.content))].join(
      "\n",
    ),
    includeUsage: true,
    maxOutputTokens: body.max_tokens,
  };
}

function frames(plan: StreamPlan): string[] {
  const { promptTokens, cachedTokens, completionTokens, reasoningTokens } = plan.usage;
  const inputTokens = promptTokens - cachedTokens;
  const cacheUsage = { cache_creation_input_tokens: 0, cache_read_input_tokens: cachedTokens };
  const result = [
    event(
      "message_start",
      {
        message: {
          model: plan.model,
          id: `msg_01Fake${plan.requestNumber}`,
          type: "message",
          role: "assistant",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: inputTokens,
            ...cacheUsage,
            cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
            output_tokens: 1,
            service_tier: "standard",
            inference_geo: "not_available",
          },
        },
      },
      "            ",
    ),
  ];
  let textIndex = 0;
  if (reasoningTokens > 0) {
    textIndex = 1;
    result.push(
      event("content_block_start", { index: 0, content_block: { type: "thinking", thinking: "" } }),
    );
    for (const thinking of REASONING_PIECES) {
      result.push(event("content_block_delta", { index: 0, delta: { type: "thinking_delta", thinking } }));
    }
    result.push(
      event("content_block_delta", { index: 0, delta: { type: "signature_delta", signature: "EqQBFake" } }),
    );
    result.push(event("content_block_stop", { index: 0 }));
  }
  result.push(
    event("content_block_start", { index: textIndex, content_block: { type: "text", text: "" } }),
    PING,
  );
  plan.pieces.forEach((text, index) => {
    if (index > 0 && wantsPing(plan.pings, index)) result.push(PING);
    result.push(event("content_block_delta", { index: textIndex, delta: { type: "text_delta", text } }));
  });
  if (plan.ending === "stall") return result;
  if (plan.ending === "error") {
    return [...result, event("error", { error: { type: "overloaded_error", message: "Overloaded" } })];
  }
  result.push(
    event("content_block_stop", { index: textIndex }),
    event("message_delta", {
      delta: { stop_reason: plan.truncated ? "max_tokens" : "end_turn", stop_sequence: null },
      usage: {
        input_tokens: inputTokens,
        ...cacheUsage,
        output_tokens: completionTokens,
        ...(reasoningTokens > 0 ? { output_tokens_details: { thinking_tokens: reasoningTokens } } : {}),
      },
    }),
    event("message_stop", {}, "    "),
  );
  return result;
}

const checkAuth: AuthCheck = ({ headers }, apiKey) => {
  if (headers["x-api-key"] !== apiKey) return errorReply(401, undefined);
  if (!headers["anthropic-version"]) {
    return anthropicError(400, "invalid_request_error", "anthropic-version: header is required");
  }
  return undefined;
};

export const anthropicFormat: WireFormat = {
  contentType: "text/event-stream; charset=utf-8",
  checkAuth,
  errorReply,
  parseRequest,
  frames,
};
