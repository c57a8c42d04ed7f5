import { describe, expect, it } from "vitest";
import { isErrorPayload, providerErrorFromPayload, providerErrorFromResponse } from "./http-errors.js";

// Error bodies and headers from the reference, as Response objects (no fetch involved).

function response(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers });
}

describe("providerErrorFromResponse", () => {
  it("reads retry-after as seconds, as an HTTP date and as retry-after-ms", async () => {
    const seconds = await providerErrorFromResponse("anthropic", response(429, {}, { "retry-after": "12" }));
    expect(seconds).toMatchObject({ code: "PROVIDER_RATE_LIMITED", retryAfterSeconds: 12 });
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    const dated = await providerErrorFromResponse(
      "openai",
      response(429, {}, { "retry-after": inTwoMinutes }),
    );
    expect(dated.retryAfterSeconds).toBeGreaterThan(115);
    expect(dated.retryAfterSeconds).toBeLessThanOrEqual(120);
    const milliseconds = await providerErrorFromResponse(
      "openai",
      response(429, {}, { "retry-after-ms": "250" }),
    );
    expect(milliseconds.retryAfterSeconds).toBe(0.25);
  });

  it("reads retry hints from bodies: Gemini RetryInfo, OpenAI and Azure messages", async () => {
    const gemini = await providerErrorFromResponse(
      "google",
      response(429, {
        error: {
          code: 429,
          message: "You exceeded your current quota, please check your plan.",
          status: "RESOURCE_EXHAUSTED",
          details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "34.4s" }],
        },
      }),
    );
    expect(gemini).toMatchObject({ code: "PROVIDER_RATE_LIMITED", retryAfterSeconds: 34.4 });
    const openai = await providerErrorFromResponse(
      "openai",
      response(429, {
        error: {
          message: "Rate limit reached … Please try again in 41.724s. Visit …",
          code: "rate_limit_exceeded",
        },
      }),
    );
    expect(openai.retryAfterSeconds).toBe(41.724);
    const azure = await providerErrorFromResponse(
      "azure",
      response(429, { error: { code: "429", message: "… Please retry after 6 seconds. …" } }),
    );
    expect(azure.retryAfterSeconds).toBe(6);
  });

  it("maps context-length messages of every provider to CONTEXT_TOO_LONG", async () => {
    const bodies = [
      {
        error: {
          message: "This model's maximum context length is 4097 tokens.",
          code: "context_length_exceeded",
        },
      },
      {
        type: "error",
        error: {
          type: "invalid_request_error",
          message: "prompt is too long: 205351 tokens > 200000 maximum",
        },
      },
      {
        type: "error",
        error: {
          type: "invalid_request_error",
          message: "input length and `max_tokens` exceed context limit: 198214 + 8192 > 200000",
        },
      },
      {
        error: {
          code: 400,
          message: "The input token count exceeds the maximum number of tokens allowed (1048576).",
          status: "INVALID_ARGUMENT",
        },
      },
      {
        object: "error",
        message:
          "Prompt contains 40960 tokens and 0 draft tokens, too large for model with 32768 maximum context length",
      },
      {
        code: "Client specified an invalid argument",
        error: "This model's maximum prompt length is 131072 but the request contains 537812 tokens",
      },
    ];
    for (const body of bodies) {
      expect(
        (await providerErrorFromResponse("openai", response(400, body))).code,
        JSON.stringify(body),
      ).toBe("CONTEXT_TOO_LONG");
    }
  });

  it("recognises bad keys that come as 400 (Gemini, xAI) and redacts echoed keys", async () => {
    const gemini = await providerErrorFromResponse(
      "google",
      response(400, {
        error: {
          code: 400,
          message: "API key not valid. Please pass a valid API key.",
          status: "INVALID_ARGUMENT",
          details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }],
        },
      }),
    );
    expect(gemini.code).toBe("PROVIDER_AUTH");
    const xai = await providerErrorFromResponse(
      "xai",
      response(400, {
        code: "Client specified an invalid argument",
        error: "Incorrect API key provided: xai-AbCdEf123456.",
      }),
    );
    expect(xai.code).toBe("PROVIDER_AUTH");
    expect(xai.message).not.toContain("AbCdEf");
    const openai = await providerErrorFromResponse(
      "openai",
      response(401, {
        error: { message: "Incorrect API key provided: sk-proj-abc123secret. You can find …" },
      }),
    );
    expect(openai.message).toBe(
      "OpenAI rejected the API key (HTTP 401): Incorrect API key provided: [redacted] You can find …",
    );
  });

  it("maps the remaining statuses", async () => {
    const codeFor = async (status: number, body: unknown = "") =>
      (await providerErrorFromResponse("mistral", response(status, body))).code;
    expect(await codeFor(401, { detail: "Unauthorized" })).toBe("PROVIDER_AUTH");
    expect(await codeFor(403)).toBe("PROVIDER_AUTH");
    expect(await codeFor(404, { message: "Model not found" })).toBe("PROVIDER_BAD_REQUEST");
    expect(await codeFor(422)).toBe("PROVIDER_BAD_REQUEST");
    expect(await codeFor(502, "<html>Bad gateway</html>")).toBe("PROVIDER_UNAVAILABLE");
    expect(await codeFor(504)).toBe("PROVIDER_UNAVAILABLE");
    expect(await codeFor(529)).toBe("PROVIDER_UNAVAILABLE");
    expect(await codeFor(501)).toBe("PROVIDER_ERROR");
  });
});

describe("errors inside a stream", () => {
  it("infers the code from the error type", () => {
    const anthropic = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
    expect(isErrorPayload(anthropic)).toBe(true);
    expect(providerErrorFromPayload("anthropic", anthropic)).toMatchObject({
      code: "PROVIDER_UNAVAILABLE",
      status: undefined,
      message: "Anthropic is unavailable: Overloaded",
    });
    const rateLimited = { type: "error", error: { type: "rate_limit_error", message: "slow down" } };
    expect(providerErrorFromPayload("anthropic", rateLimited).code).toBe("PROVIDER_RATE_LIMITED");
    const quota = {
      type: "error",
      sequence_number: 2,
      error: { type: "insufficient_quota", code: "insufficient_quota" },
    };
    expect(providerErrorFromPayload("openai", quota).code).toBe("PROVIDER_ERROR");
    const gemini = [
      {
        error: {
          code: 400,
          message: "The input token count exceeds the maximum number of tokens allowed (1048576).",
          status: "INVALID_ARGUMENT",
        },
      },
    ];
    expect(providerErrorFromPayload("google", gemini).code).toBe("CONTEXT_TOO_LONG");
  });

  it("does not take normal chunks for errors", () => {
    expect(isErrorPayload({ choices: [], usage: null })).toBe(false);
    expect(isErrorPayload({ type: "message_stop" })).toBe(false);
    expect(isErrorPayload({ error: null, choices: [] })).toBe(false);
    expect(isErrorPayload({ code: "x", error: "boom" })).toBe(true);
  });
});
