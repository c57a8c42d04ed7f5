import { BadInputError } from "../errors/app-errors.js";
import { findCatalogueModel, parseModelId } from "../providers/catalogue.js";

// Azure deployments and local models are named by the operator; they are not in the catalogue.
const OPERATOR_NAMED = new Set(["azure", "ollama"]);

/** Rejects model ids that cannot exist (typos), before anything is saved. */
export function assertKnownModel(modelId: string): void {
  const parsed = parseModelId(modelId);
  if (parsed && (OPERATOR_NAMED.has(parsed.provider) || findCatalogueModel(modelId))) return;
  throw new BadInputError(`Unknown model "${modelId}"; the models query lists the available ones`, {
    field: "model",
  });
}
