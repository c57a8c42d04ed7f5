import { graphql } from "../gql";

export const ActiveApiKeysQuery = graphql(`
  query ActiveApiKeys {
    apiKeys {
      id
    }
  }
`);
