import { BadInputError } from "../errors/app-errors.js";
import { findCatalogueModel, parseModelId } from "../providers/catalogue.js";

// Azure deployments and local models are named by the operator; they are not in the catalogue.
const OPERATOR_NAMED = new Set(["azure", "ollama"]);

/** Whether a model id can exist without the organisation having loaded it from a provider's list. */
export function isBuiltInModelId(modelId: string): boolean {
  const parsed = parseModelId(modelId);
  return Boolean(parsed && (OPERATOR_NAMED.has(parsed.provider) || findCatalogueModel(modelId)));
}

export function unknownModel(modelId: string): BadInputError {
  return new BadInputError(`Unknown model "${modelId}"; the models query lists the available ones`, {
    field: "model",
  });
}
