import type { z } from "zod";
import { isErrorPayload, providerErrorFromPayload, providerErrorFromResponse } from "./http-errors.js";
import { parseJson } from "./json.js";
import { requestFailure } from "./stream-request.js";
import { PROVIDER_NAMES, ProviderError, type ProviderId } from "./types.js";

// The HTTP plumbing of calls answered with one JSON body (embeddings): POST JSON, map failures the same way
// as the streaming calls do (stream-request.ts), check the answer against a schema.

export interface JsonRequest<Schema extends z.ZodType> {
  provider: ProviderId;
  fetch: typeof fetch;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  /** The shape of a successful answer. */
  schema: Schema;
}

/**
 * POSTs `body` and returns the answer parsed with `schema`. HTTP errors become ProviderErrors (with
 * retry-after), network failures PROVIDER_UNAVAILABLE, an answer of another shape PROVIDER_ERROR, and an
 * abort rejects with `signal.reason`.
 */
export async function postJson<Schema extends z.ZodType>(
  request: JsonRequest<Schema>,
): Promise<z.infer<Schema>> {
  const { provider, signal } = request;
  let text: string;
  try {
    const response = await request.fetch(request.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...request.headers },
      body: JSON.stringify(request.body),
      signal,
    });
    if (!response.ok) {
      const error = await providerErrorFromResponse(provider, response);
      signal.throwIfAborted();
      throw error;
    }
    text = await response.text();
  } catch (error) {
    throw requestFailure(provider, error, signal);
  }
  const payload = parseJson(text);
  if (isErrorPayload(payload)) throw providerErrorFromPayload(provider, payload);
  const result = request.schema.safeParse(payload);
  if (!result.success) {
    throw new ProviderError({
      code: "PROVIDER_ERROR",
      provider,
      message: `${PROVIDER_NAMES[provider]} sent an answer this client does not understand`,
      cause: payload === undefined ? text.slice(0, 200) : result.error,
    });
  }
  return result.data;
}
