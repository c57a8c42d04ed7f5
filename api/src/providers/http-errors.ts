import { isRecord, parseJson, stringOf } from "./json.js";
import { PROVIDER_NAMES, ProviderError, type ProviderErrorCode, type ProviderId } from "./types.js";

// Maps provider error responses (HTTP errors and error events inside a stream) to ProviderError.
// Body shapes handled (see the provider wire-format reference):
//   OpenAI / Azure / Ollama / xAI  {"error":{"message","type","param","code"}}
//   Anthropic                      {"type":"error","error":{"type","message"},"request_id"}
//   Gemini                         {"error":{"code":429,"message","status","details":[RetryInfo, ErrorInfo]}}
//   Mistral                        {"detail":"Unauthorized"} | {"message":"..."} | {"object":"error","message","type","code"}
//   xAI                            {"code":"...","error":"..."}

interface ErrorDetails {
  message: string | undefined;
  /** Error type/status name: `invalid_request_error`, `overloaded_error`, `RESOURCE_EXHAUSTED` … */
  type: string | undefined;
  code: string | undefined;
  /** Gemini puts the HTTP status into `error.code`; used for errors inside a 200 stream. */
  numericCode: number | undefined;
  /** Gemini `google.rpc.RetryInfo.retryDelay`. */
  retryDelaySeconds: number | undefined;
  /** Gemini `google.rpc.ErrorInfo.reason`, e.g. API_KEY_INVALID. */
  reason: string | undefined;
}

const CONTEXT_TOO_LONG_PATTERN =
  /context_length_exceeded|maximum context length|context length|prompt is too long|exceed context limit|exceeds the maximum number of tokens|maximum prompt length|too large for model/i;
// Gemini and xAI answer a bad key with 400, not 401.
const BAD_KEY_PATTERN =
  /API_KEY_INVALID|invalid[_ ]api[_ ]key|incorrect api key|api key not valid|authentication_error/i;
const UNAVAILABLE_STATUSES = new Set([408, 500, 502, 503, 504, 529]);

// For errors inside a 200 stream there is no HTTP status; the error type says which one it would have been.
const STATUS_BY_ERROR_TYPE: Record<string, number> = {
  overloaded_error: 529,
  api_error: 500,
  server_error: 500,
  internal_server_error: 500,
  internal: 500,
  unavailable: 503,
  service_unavailable_error: 503,
  timeout_error: 504,
  deadline_exceeded: 504,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  resource_exhausted: 429,
  authentication_error: 401,
  permission_error: 403,
  invalid_request_error: 400,
  invalid_argument: 400,
};

/** Reads a failed HTTP response (status >= 400) into a ProviderError. */
export async function providerErrorFromResponse(
  provider: ProviderId,
  response: Response,
): Promise<ProviderError> {
  const text = await response.text().catch(() => "");
  const details = readErrorDetails(parseJson(text) ?? text);
  const code = classify(response.status, details);
  return new ProviderError({
    code,
    provider,
    status: response.status,
    message: describe(provider, code, details, response.status),
    retryAfterSeconds: retryAfterFromHeaders(response.headers) ?? retryAfterFromDetails(details),
  });
}

/** True when a stream payload is an error object rather than a normal chunk. */
export function isErrorPayload(payload: unknown): boolean {
  if (Array.isArray(payload)) return isErrorPayload(payload[0]);
  if (!isRecord(payload)) return false;
  const hasError = payload.error !== undefined && payload.error !== null;
  return hasError || payload.type === "error" || payload.object === "error";
}

/** Converts an error event received inside a successful (200) stream. */
export function providerErrorFromPayload(provider: ProviderId, payload: unknown): ProviderError {
  const details = readErrorDetails(payload);
  const inferredStatus = inferStatus(details);
  const code = inferredStatus === undefined ? "PROVIDER_ERROR" : classify(inferredStatus, details);
  return new ProviderError({
    code,
    provider,
    message: describe(provider, code, details, undefined),
    retryAfterSeconds: retryAfterFromDetails(details),
  });
}

function classify(status: number, details: ErrorDetails): ProviderErrorCode {
  const text = [details.type, details.code, details.reason, details.message].join(" ");
  if (status === 401 || status === 403 || (status === 400 && BAD_KEY_PATTERN.test(text)))
    return "PROVIDER_AUTH";
  if (status === 429) return "PROVIDER_RATE_LIMITED";
  if (UNAVAILABLE_STATUSES.has(status)) return "PROVIDER_UNAVAILABLE";
  if ((status === 400 || status === 413) && CONTEXT_TOO_LONG_PATTERN.test(text)) return "CONTEXT_TOO_LONG";
  if (status >= 400 && status < 500) return "PROVIDER_BAD_REQUEST";
  return "PROVIDER_ERROR";
}

function inferStatus(details: ErrorDetails): number | undefined {
  if (details.numericCode !== undefined && details.numericCode >= 400 && details.numericCode < 600) {
    return details.numericCode;
  }
  for (const name of [details.type, details.code]) {
    const status = name === undefined ? undefined : STATUS_BY_ERROR_TYPE[name.toLowerCase()];
    if (status !== undefined) return status;
  }
  return undefined;
}

function describe(
  provider: ProviderId,
  code: ProviderErrorCode,
  details: ErrorDetails,
  status: number | undefined,
): string {
  const name = PROVIDER_NAMES[provider];
  const statusText = status === undefined ? "" : ` (HTTP ${status})`;
  const detail = details.message ? `: ${redactSecrets(details.message).slice(0, 500)}` : "";
  switch (code) {
    case "PROVIDER_AUTH":
      return `${name} rejected the API key${statusText}${detail}`;
    case "PROVIDER_RATE_LIMITED":
      return `${name} rate limit reached${statusText}${detail}`;
    case "PROVIDER_UNAVAILABLE":
      return `${name} is unavailable${statusText}${detail}`;
    case "CONTEXT_TOO_LONG":
      return `The conversation is too long for the model${statusText}${detail}`;
    default:
      return `${name} returned an error${statusText}${detail}`;
  }
}

/** Provider messages sometimes echo (part of) the key, e.g. "Incorrect API key provided: sk-proj-…sQoA". */
function redactSecrets(message: string): string {
  return message
    .replace(/(api key provided:?)\s*\S+/gi, "$1 [redacted]")
    .replace(/\b(?:sk|xai)-[\w*.-]{3,}/g, "[redacted]")
    .replace(/\bAIza[\w-]{10,}/g, "[redacted]");
}

function readErrorDetails(body: unknown): ErrorDetails {
  const root = Array.isArray(body) ? body[0] : body;
  const details: ErrorDetails = {
    message: undefined,
    type: undefined,
    code: undefined,
    numericCode: undefined,
    retryDelaySeconds: undefined,
    reason: undefined,
  };
  if (typeof root === "string") {
    details.message = root.trim() || undefined;
    return details;
  }
  if (!isRecord(root)) return details;
  const inner = root.error;
  if (isRecord(inner)) {
    details.message = stringOf(inner.message);
    details.type = stringOf(inner.type) ?? stringOf(inner.status);
    details.code = typeof inner.code === "string" ? inner.code : undefined;
    details.numericCode = typeof inner.code === "number" ? inner.code : undefined;
    readGoogleDetails(inner.details, details);
  } else {
    details.message = stringOf(inner) ?? stringOf(root.message) ?? stringOf(root.detail);
    details.type = stringOf(root.type);
    details.code = stringOf(root.code);
  }
  return details;
}

function readGoogleDetails(list: unknown, details: ErrorDetails): void {
  if (!Array.isArray(list)) return;
  for (const entry of list) {
    if (!isRecord(entry)) continue;
    if (typeof entry.retryDelay === "string")
      details.retryDelaySeconds = parseDurationSeconds(entry.retryDelay);
    if (typeof entry.reason === "string") details.reason = entry.reason;
  }
}

function retryAfterFromHeaders(headers: Headers, now = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds / 1000;
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

function retryAfterFromDetails(details: ErrorDetails): number | undefined {
  if (details.retryDelaySeconds !== undefined) return details.retryDelaySeconds;
  // "Please try again in 41.724s" (OpenAI), "Please retry after 6 seconds" (Azure).
  const match = details.message?.match(
    /(?:try again in|retry after)\s+(\d+(?:\.\d+)?)\s*(ms|s|sec|seconds?)\b/i,
  );
  if (!match?.[1]) return undefined;
  const amount = Number.parseFloat(match[1]);
  return match[2]?.toLowerCase() === "ms" ? amount / 1000 : amount;
}

/** Parses "34.4s" (protobuf Duration as JSON). */
function parseDurationSeconds(value: string): number | undefined {
  const match = value.match(/^(\d+(?:\.\d+)?)s$/);
  return match?.[1] ? Number.parseFloat(match[1]) : undefined;
}
