import type { OrganizationSettingsQuery } from "../../gql/graphql";

type Model = OrganizationSettingsQuery["modelConfigs"][number];
type Provider = OrganizationSettingsQuery["providerConnections"][number];

export interface ModelChoiceGroup {
  label: string;
  models: { id: string; name: string; enabled: boolean }[];
}

/**
 * The models that can be the default: the enabled ones, under their providers, by order then name; the
 * current default stays a choice when it was switched off since (so the form does not change it unasked).
 */
export function defaultModelChoices(
  models: readonly Model[],
  providers: readonly Provider[],
  current: string | null | undefined,
): ModelChoiceGroup[] {
  const shown = models
    .filter((model) => model.enabled || model.modelId === current)
    .sort((a, b) => a.sortOrder - b.sortOrder || a.displayName.localeCompare(b.displayName));
  // The providers' order; a provider the list does not know comes last, under its id.
  const labels = new Map(providers.map((provider) => [provider.provider, provider.name]));
  for (const model of shown) if (!labels.has(model.provider)) labels.set(model.provider, model.provider);
  return [...labels]
    .map(([provider, label]) => ({
      label,
      models: shown
        .filter((model) => model.provider === provider)
        .map((model) => ({ id: model.modelId, name: model.displayName, enabled: model.enabled })),
    }))
    .filter((group) => group.models.length > 0);
}
