import { graphql } from "../../gql";

export const ProviderConnectionFieldsFragment = graphql(`
  fragment ProviderConnectionFields on ProviderConnection {
    provider
    name
    configured
    source
    keyHint
    baseUrl
    deployments
    lastTestedAt
    lastTestOk
    lastError
  }
`);

export const ProviderConnectionsQuery = graphql(`
  query ProviderConnections {
    providerConnections {
      ...ProviderConnectionFields
    }
  }
`);

export const SetProviderKeyMutation = graphql(`
  mutation SetProviderKey($provider: String!, $input: SetProviderKeyInput!) {
    setProviderKey(provider: $provider, input: $input) {
      ...ProviderConnectionFields
    }
  }
`);

export const DeleteProviderKeyMutation = graphql(`
  mutation DeleteProviderKey($provider: String!) {
    deleteProviderKey(provider: $provider) {
      ...ProviderConnectionFields
    }
  }
`);

export const TestProviderKeyMutation = graphql(`
  mutation TestProviderKey($provider: String!) {
    testProviderKey(provider: $provider) {
      ok
      latencyMs
      error
      modelCount
      connection {
        ...ProviderConnectionFields
      }
    }
  }
`);
