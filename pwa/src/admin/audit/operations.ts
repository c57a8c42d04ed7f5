import { graphql } from "../../gql";

export const AuditEntryFieldsFragment = graphql(`
  fragment AuditEntryFields on AuditEntry {
    id
    at
    action
    outcome
    reason
    actor {
      type
      id
      label
    }
    target {
      type
      id
      label
    }
    requestId
    ip
    userAgent
    changes
  }
`);

export const AuditLogQuery = graphql(`
  query AuditLog($filter: AuditFilter, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...AuditEntryFields
        }
      }
    }
  }
`);

export const AuditActionsQuery = graphql(`
  query AuditActions {
    auditActions
  }
`);

export const VerifyAuditLogQuery = graphql(`
  query VerifyAuditLog($from: DateTime, $to: DateTime) {
    verifyAuditLog(from: $from, to: $to) {
      ok
      checked
      firstBroken {
        entryId
        at
        action
        problem
      }
    }
  }
`);
