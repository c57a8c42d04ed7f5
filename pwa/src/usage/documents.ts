import { graphql } from "../gql";

export const UsageQuery = graphql(`
  query Usage($from: DateTime!) {
    usage(from: $from) {
      requests
      promptTokens
      completionTokens
      costUsd
      byModel {
        model
        requests
        promptTokens
        completionTokens
        costUsd
      }
    }
  }
`);
