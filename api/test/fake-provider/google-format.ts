import { contentText, countParts, isRecord, jsonReply, REASONING_PIECES, wantsPing } from "./sse-format.js";
import type { AuthCheck, ErrorStatus, JsonReply, ParsedRequest, StreamPlan, WireFormat } from "./types.js";

// Gemini `streamGenerateContent?alt=sse` as recorded (reference §4.3): `data: {json}\r\n\r\n`, every chunk
// with role "model" and the cumulative usageMetadata, finishReason on the last chunk, no end marker.
// A mid-stream failure is a raw JSON error object without `data:` (§4.6). Thought parts (`thought: true`)
// are sent when reasoning tokens are reported, as Gemini does with includeThoughts.

export function googleError(
  code: number,
  status: string,
  message: string,
  details?: unknown[],
): Record<string, unknown> {
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

const BAD_KEY = jsonReply(
  400,
  googleError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "API_KEY_INVALID",
      domain: "googleapis.com",
      metadata: { service: "generativelanguage.googleapis.com" },
    },
  ]),
);

function errorReply(code: ErrorStatus, retryAfterSeconds: number | undefined): JsonReply {
  switch (code) {
    case 400:
      return jsonReply(
        400,
        googleError(
          400,
          "INVALID_ARGUMENT",
          "The input token count (1300000) exceeds the maximum number of tokens allowed (1048575).",
        ),
      );
    case 401:
      return BAD_KEY;
    case 429: {
      const details: unknown[] = [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [{ quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier" }],
        },
      ];
      if (retryAfterSeconds !== undefined) {
        details.push({
          "@type": "type.googleapis.com/google.rpc.RetryInfo",
          retryDelay: `${retryAfterSeconds}s`,
        });
      }
      return jsonReply(
        429,
        googleError(
          429,
          "RESOURCE_EXHAUSTED",
          "You exceeded your current quota, please check your plan.",
          details,
        ),
      );
    }
    case 500:
      return jsonReply(500, googleError(500, "INTERNAL", "An internal error has occurred. Please retry."));
    case 503:
      return jsonReply(
        503,
        googleError(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
      );
  }
}

const checkAuth: AuthCheck = ({ headers, query }, apiKey) =>
  headers["x-goog-api-key"] === apiKey || query.get("key") === apiKey ? undefined : BAD_KEY;

function parseRequest(body: unknown, pathModel: string | undefined): ParsedRequest | JsonReply {
  const invalid = (message: string) => jsonReply(400, googleError(400, "INVALID_ARGUMENT", message));
  if (!pathModel) return invalid("model is required in the path");
  if (!isRecord(body) || !Array.isArray(body.contents))
    return invalid("* contents: contents is not specified");
  const contents = body.contents.filter(isRecord);
  if (contents.some((content) => content.role !== "user" && content.role !== "model")) {
    return invalid("Please use a valid role: user, model.");
  }
  const textOf = (content: unknown) => (isRecord(content) ? contentText(content.parts) : "");
  const lastUser = contents.filter((content) => content.role === "user").at(-1);
  return {
    model: pathModel,
    lastUserText: textOf(lastUser),
    lastUserImages: isRecord(lastUser)
      ? countParts(
          lastUser.parts,
          (part) =>
            isRecord(part.inlineData) &&
            typeof part.inlineData.mimeType === "string" &&
            part.inlineData.mimeType.startsWith("image/") &&
            typeof part.inlineData.data === "string",
        )
      : 0,
    promptText: [textOf(body.systemInstruction), ...contents.map(textOf)].join("\n"),
    includeUsage: true,
    maxOutputTokens:
      isRecord(body.generationConfig) && typeof body.generationConfig.maxOutputTokens === "number"
        ? body.generationConfig.maxOutputTokens
        : undefined,
  };
}

function frames(plan: StreamPlan): string[] {
  const event = (payload: unknown) => `data: ${JSON.stringify(payload)}\r\n\r\n`;
  const { promptTokens, cachedTokens, completionTokens, reasoningTokens } = plan.usage;
  const candidatesTotal = completionTokens - reasoningTokens;
  const chunk = (parts: unknown[], candidatesTokenCount: number, last: boolean) => ({
    candidates: [
      {
        content: { parts, role: "model" },
        ...(last ? { finishReason: plan.truncated ? "MAX_TOKENS" : "STOP" } : {}),
        index: 0,
      },
    ],
    usageMetadata: {
      promptTokenCount: promptTokens,
      ...(cachedTokens > 0 ? { cachedContentTokenCount: cachedTokens } : {}),
      candidatesTokenCount,
      totalTokenCount: promptTokens + candidatesTokenCount + reasoningTokens,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: promptTokens }],
      ...(reasoningTokens > 0 ? { thoughtsTokenCount: reasoningTokens } : {}),
      serviceTier: "standard",
    },
    modelVersion: plan.model,
    responseId: `ru1garvBEoOiqtsFake${plan.requestNumber}`,
  });

  const result: string[] = [];
  if (reasoningTokens > 0) {
    result.push(event(chunk([{ text: REASONING_PIECES.join(""), thought: true }], 0, false)));
  }
  const complete = plan.ending === "complete";
  plan.pieces.forEach((text, index) => {
    if (wantsPing(plan.pings, index)) result.push(": ping\r\n\r\n");
    const last = complete && index === plan.pieces.length - 1;
    const soFar = Math.round((candidatesTotal * (index + 1)) / plan.pieces.length);
    result.push(event(chunk([{ text }], soFar, last)));
  });
  if (complete && plan.pieces.length === 0) result.push(event(chunk([{ text: "" }], candidatesTotal, true)));
  if (plan.ending === "error") {
    const tail = googleError(
      503,
      "UNAVAILABLE",
      "This model is currently experiencing high demand. Spikes in demand are usually temporary. Please try again later.",
    );
    result.push(`${JSON.stringify(tail, null, 2)}\n`);
  }
  return result;
}

export const googleFormat: WireFormat = {
  contentType: "text/event-stream",
  extraHeaders: { "content-disposition": "attachment" },
  checkAuth,
  errorReply,
  parseRequest,
  frames,
};
