import { countTokens } from "../documents/chunking/token-count.js";
import { type EmbeddingResult, PROVIDER_NAMES, ProviderError, type ProviderId } from "./types.js";

// The checks every embedding adapter applies to a provider's answer before handing it on.

/**
 * One vector per input or a PROVIDER_ERROR. Where the provider reports no usage (`reportedTokens`
 * undefined: Gemini, some OpenAI-compatible servers) the inputs are counted with the o200k tokenizer.
 */
export function embeddingResult(
  provider: ProviderId,
  inputs: string[],
  vectors: (number[] | undefined)[],
  reportedTokens: number | null | undefined,
): EmbeddingResult {
  const complete = vectors.filter((vector): vector is number[] => vector !== undefined);
  if (complete.length !== inputs.length || vectors.length !== inputs.length) {
    throw new ProviderError({
      code: "PROVIDER_ERROR",
      provider,
      message: `${PROVIDER_NAMES[provider]} returned ${complete.length} embeddings for ${inputs.length} inputs`,
    });
  }
  const promptTokens = reportedTokens ?? inputs.reduce((sum, input) => sum + countTokens(input), 0);
  return { vectors: complete, promptTokens };
}
