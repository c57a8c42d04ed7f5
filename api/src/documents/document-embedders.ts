import { currentIdentity } from "../db/request-identity.js";
import { createEmbedder } from "../embeddings/embedder.js";
import type { EmbeddingModelChoice } from "../embeddings/embedding-models.js";
import { embeddingModelInfo } from "../embeddings/embedding-prices.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import type { OrganizationProviders } from "../provider-keys/organization-providers.js";
import { recordUsage } from "../usage/usage-recorder.js";
import type { EmbedderFor } from "./document-processor.js";

/**
 * The embedder of each organisation: EMBEDDING_MODEL through the organisation's own provider keys (else
 * the environment's). Every provider call is a usage event of the person it is done for.
 */
export function documentEmbedders(options: {
  choice: EmbeddingModelChoice | null;
  providers: Pick<OrganizationProviders, "registryFor">;
  prisma: PrismaClient;
  logger: Logger;
}): EmbedderFor {
  const { choice } = options;
  if (!choice) return async () => null;
  const model = embeddingModelInfo(choice);
  return async (orgId) => {
    const registry = await options.providers.registryFor(orgId);
    return createEmbedder({
      choice,
      adapter: () => {
        try {
          return registry.adapter(choice.provider);
        } catch {
          return undefined; // not configured for this organisation
        }
      },
      onCall: async (call) => {
        const userId = currentIdentity()?.userId;
        if (!userId || (!call.ok && call.promptTokens === 0)) return;
        await recordUsage(options.prisma, {
          userId,
          chatId: null,
          messageId: null,
          model,
          purpose: "embedding",
          usage: {
            promptTokens: call.promptTokens,
            completionTokens: 0,
            cachedTokens: 0,
            reasoningTokens: 0,
          },
          outcome: call.ok ? "completed" : "failed",
          durationMs: call.durationMs,
        }).catch((error: unknown) => options.logger.warn({ err: error }, "could not record embedding usage"));
      },
    });
  };
}
