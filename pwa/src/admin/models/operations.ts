import { graphql } from "../../gql";

export const ModelPriceFieldsFragment = graphql(`
  fragment ModelPriceFields on ModelPrice {
    inputPerMTokens
    outputPerMTokens
    cachedInputPerMTokens
    validFrom
  }
`);

export const ModelConfigFieldsFragment = graphql(`
  fragment ModelConfigFields on ModelConfig {
    modelId
    provider
    displayName
    enabled
    isDefault
    sortOrder
    contextWindow
    supportsVision
    isFree
    source
    providerConfigured
    price {
      ...ModelPriceFields
    }
    priceHistory {
      ...ModelPriceFields
    }
    allowedGroups {
      id
      name
    }
  }
`);

// The groups (for access) and providers (names, configured or not) come along: the screen needs all three.
export const ModelConfigsQuery = graphql(`
  query ModelConfigs {
    modelConfigs {
      ...ModelConfigFields
    }
    groups {
      id
      name
    }
    providerConnections {
      provider
      name
      configured
    }
  }
`);

export const UpdateModelConfigMutation = graphql(`
  mutation UpdateModelConfig($modelId: ID!, $input: UpdateModelConfigInput!) {
    updateModelConfig(modelId: $modelId, input: $input) {
      ...ModelConfigFields
    }
  }
`);

export const SetModelPriceMutation = graphql(`
  mutation SetModelPrice($modelId: ID!, $input: SetModelPriceInput!) {
    setModelPrice(modelId: $modelId, input: $input) {
      ...ModelConfigFields
    }
  }
`);

export const SyncProviderModelsMutation = graphql(`
  mutation SyncProviderModels($provider: String!) {
    syncProviderModels(provider: $provider) {
      ...ModelConfigFields
    }
  }
`);
