import { BadInputError } from "../errors/app-errors.js";
import { findCatalogueModel, parseModelId } from "../providers/catalogue.js";

// Azure deployments and local models are named by the operator; they are not in the catalogue.
const OPERATOR_NAMED = new Set(["azure", "ollama"]);

/**
 * Rejects model ids that cannot exist (typos, and the empty string), before anything is saved. No id
 * at all (null, undefined) passes: it means "the default".
 */
export function assertKnownModel(modelId: string | null | undefined): void {
  if (modelId === null || modelId === undefined) return;
  const parsed = parseModelId(modelId);
  if (parsed && (OPERATOR_NAMED.has(parsed.provider) || findCatalogueModel(modelId))) return;
  throw new BadInputError(`Unknown model "${modelId}"; the models query lists the available ones`, {
    field: "model",
  });
}
