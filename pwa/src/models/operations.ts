import { graphql } from "../gql";

export const ModelsQuery = graphql(`
  query Models {
    models {
      id
      provider
      name
      available
      unavailableReason
      supportsTemperature
      isDefault
    }
  }
`);
