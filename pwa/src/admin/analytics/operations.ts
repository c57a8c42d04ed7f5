import { graphql } from "../../gql";

export const OrganizationStatsQuery = graphql(`
  query OrganizationStats {
    organizationStats {
      users
      activeUsers7d
      chats
      messages
      assistants
      templates
      documents
    }
  }
`);

// What the filters offer: whoever, whichever model and provider had usage in the period (unfiltered).
export const UsageFilterChoicesQuery = graphql(`
  query UsageFilterChoices($from: DateTime, $to: DateTime) {
    users: organizationUsage(from: $from, to: $to, groupBy: [USER]) {
      rows {
        key
        label
      }
    }
    models: organizationUsage(from: $from, to: $to, groupBy: [MODEL]) {
      rows {
        key
        label
      }
    }
    providers: organizationUsage(from: $from, to: $to, groupBy: [PROVIDER]) {
      rows {
        key
        label
      }
    }
  }
`);
