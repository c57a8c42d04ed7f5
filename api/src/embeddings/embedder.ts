import { isRetryable, type RetryOptions, retryDelayMs, waitBeforeRetry } from "../providers/retry.js";
import { PROVIDER_NAMES, type ProviderAdapter } from "../providers/types.js";
import type { EmbeddingModelChoice } from "./embedding-models.js";

// Turns texts into unit-length vectors with the configured embedding model: batches, retries rate limits
// and unavailability (with the chat retry's delays), reports every provider call for usage accounting.

export type EmbeddingPurpose = "document" | "query";

/** One provider call, successful or not (failed ones have promptTokens 0). */
export interface EmbeddingCall {
  /** The configured "provider/model" id. */
  model: string;
  promptTokens: number;
  durationMs: number;
  ok: boolean;
}

export interface EmbedderOptions {
  choice: EmbeddingModelChoice;
  /** The provider's adapter, or undefined while the provider is not configured; asked on every call. */
  adapter: () => ProviderAdapter | undefined;
  /** Inputs per provider call (default 64; Gemini takes at most 100, OpenAI 2048). */
  batchSize?: number;
  /** Attempts per batch in total, including the first (default 4). */
  maxAttempts?: number;
  /** Backoff when the provider gives no retry-after (defaults of retry.ts: 500 ms doubling, at most 10 s). */
  retryDelays?: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs">;
  /** Called after every provider call, also failed attempts; awaited. */
  onCall?: (call: EmbeddingCall) => void | Promise<void>;
}

export interface Embedder {
  /** The configured "provider/model" id. */
  readonly model: string;
  /** The vector length: the known one, else the one of the first answer; undefined until then. */
  readonly dimensions: number | undefined;
  /**
   * One unit-length vector per input, in input order. Throws EmbeddingError when the provider is not
   * configured, has no embeddings or answers vectors of another length; ProviderError when the provider
   * fails (after the retries); `signal.reason` on abort.
   */
  embed(inputs: string[], purpose: EmbeddingPurpose, signal?: AbortSignal): Promise<Float32Array[]>;
}

export type EmbeddingErrorCode = "EMBEDDINGS_UNAVAILABLE" | "EMBEDDING_DIMENSIONS_MISMATCH";

export class EmbeddingError extends Error {
  override readonly name = "EmbeddingError";
  constructor(
    readonly code: EmbeddingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_BATCH_SIZE = 64;
const DEFAULT_MAX_ATTEMPTS = 4;

export function createEmbedder(options: EmbedderOptions): Embedder {
  const { choice } = options;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  let dimensions = choice.dimensions;

  const embedBatch = async (
    adapter: Required<Pick<ProviderAdapter, "embed">>,
    inputs: string[],
    purpose: EmbeddingPurpose,
    signal: AbortSignal,
  ): Promise<number[][]> => {
    const request = {
      model: choice.model,
      inputs,
      purpose,
      ...(choice.requestDimensions && choice.dimensions !== undefined
        ? { dimensions: choice.dimensions }
        : {}),
    };
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        const result = await adapter.embed(request, signal);
        await options.onCall?.({
          model: choice.id,
          promptTokens: result.promptTokens,
          durationMs: performance.now() - started,
          ok: true,
        });
        return result.vectors;
      } catch (error) {
        await options.onCall?.({
          model: choice.id,
          promptTokens: 0,
          durationMs: performance.now() - started,
          ok: false,
        });
        if (!isRetryable(error) || attempt >= maxAttempts || signal.aborted) throw error;
        await waitBeforeRetry(retryDelayMs(error, attempt, options.retryDelays), signal);
      }
    }
  };

  return {
    model: choice.id,
    get dimensions() {
      return dimensions;
    },
    async embed(inputs, purpose, signal = new AbortController().signal) {
      if (inputs.length === 0) return [];
      const adapter = embeddingAdapter(choice, options.adapter());
      const result: Float32Array[] = [];
      for (let start = 0; start < inputs.length; start += batchSize) {
        const vectors = await embedBatch(adapter, inputs.slice(start, start + batchSize), purpose, signal);
        for (const vector of vectors) {
          dimensions ??= vector.length;
          if (vector.length !== dimensions) {
            throw new EmbeddingError(
              "EMBEDDING_DIMENSIONS_MISMATCH",
              `${choice.id} returned a vector of ${vector.length} dimensions where ${dimensions} were expected`,
            );
          }
          result.push(normalised(vector));
        }
      }
      return result;
    },
  };
}

function embeddingAdapter(
  choice: EmbeddingModelChoice,
  adapter: ProviderAdapter | undefined,
): Required<Pick<ProviderAdapter, "embed">> {
  const name = PROVIDER_NAMES[choice.provider];
  if (!adapter) {
    throw new EmbeddingError(
      "EMBEDDINGS_UNAVAILABLE",
      `${name} is not configured, so ${choice.id} cannot embed`,
    );
  }
  const { embed } = adapter;
  if (!embed) {
    throw new EmbeddingError("EMBEDDINGS_UNAVAILABLE", `${name} has no embeddings API (${choice.id})`);
  }
  return { embed: embed.bind(adapter) };
}

/** Scaled to length 1, so that a dot product is the cosine similarity; a zero vector stays zero. */
function normalised(vector: number[]): Float32Array {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  const length = Math.sqrt(sumOfSquares);
  const result = new Float32Array(vector.length);
  if (length === 0) return result;
  for (let index = 0; index < vector.length; index++) result[index] = (vector[index] ?? 0) / length;
  return result;
}
