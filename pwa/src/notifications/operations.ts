import { graphql } from "../gql";

/** Only the ids: the header's count, asked for often. */
export const UnreadNotificationsQuery = graphql(`
  query UnreadNotifications {
    notifications(unreadOnly: true) {
      id
    }
  }
`);

export const NotificationsQuery = graphql(`
  query Notifications {
    notifications {
      id
      kind
      createdAt
      readAt
      budgetScope
      budgetTargetName
      threshold
      spentUsd
      limitUsd
      resetsAt
      budget {
        id
        period
      }
    }
  }
`);

export const MarkNotificationsReadMutation = graphql(`
  mutation MarkNotificationsRead($ids: [ID!]) {
    markNotificationsRead(ids: $ids)
  }
`);
