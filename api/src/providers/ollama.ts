import { z } from "zod";
import { isRecord } from "./json.js";
import { createOpenAiCompatibleAdapter } from "./openai-compatible.js";
import type { ProviderAdapter } from "./types.js";

// Ollama and other OpenAI-compatible local servers (LM Studio, vLLM, llama.cpp …) through their `/v1` API.

export interface LocalServerOptions {
  /** Server root without `/v1`, e.g. `http://localhost:11434`. */
  baseUrl: string;
  /** Ollama needs none; other OpenAI-compatible servers may want one. */
  apiKey: string | null;
  fetch?: typeof fetch;
}

const DISCOVERY_TIMEOUT_MS = 5_000;

const modelListSchema = z.object({ data: z.array(z.object({ id: z.string() })) });

export function createOllamaAdapter(options: LocalServerOptions): ProviderAdapter {
  return createOpenAiCompatibleAdapter({
    id: "ollama",
    url: () => `${options.baseUrl}/v1/chat/completions`,
    headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
    // Ollama documents `max_tokens` for /v1 and not `max_completion_tokens`.
    maxTokensField: "max_tokens",
    // The OpenAI-compatible route, which vLLM, LM Studio and llama.cpp serve too (Ollama also has /api/embed).
    embeddings: { url: () => `${options.baseUrl}/v1/embeddings` },
    fetch: options.fetch,
  });
}

/**
 * The model names the server offers (`GET {base}/v1/models`, OpenAI list shape).
 * Throws an Error whose message says why the server could not be asked.
 */
export async function discoverLocalModels(options: LocalServerOptions): Promise<string[]> {
  const fetchImplementation = options.fetch ?? fetch;
  const url = `${options.baseUrl}/v1/models`;
  let response: Response;
  try {
    response = await fetchImplementation(url, {
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = error instanceof Error && isRecord(error.cause) ? error.cause.code : undefined;
    const detail = typeof cause === "string" ? cause : error instanceof Error ? error.message : String(error);
    throw new Error(`${url} is not reachable (${detail})`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${url} answered HTTP ${response.status}`);
  }
  const list = modelListSchema.safeParse(await response.json().catch(() => undefined));
  if (!list.success) throw new Error(`${url} did not return an OpenAI-style model list`);
  return list.data.data.map((model) => model.id).sort((left, right) => left.localeCompare(right));
}
