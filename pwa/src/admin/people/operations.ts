import { graphql } from "../../gql";

export const AdminUserFieldsFragment = graphql(`
  fragment AdminUserFields on AdminUser {
    id
    username
    email
    isActive
    isAdmin
    createdAt
    lastActiveAt
    groups {
      id
      name
    }
    usageThisMonth {
      requests
      costUsd
    }
  }
`);

export const AdminUsersQuery = graphql(`
  query AdminUsers($search: String, $includeInactive: Boolean, $first: Int, $after: String) {
    adminUsers(search: $search, includeInactive: $includeInactive, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...AdminUserFields
        }
      }
    }
  }
`);

export const UpdateUserMutation = graphql(`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      ...AdminUserFields
    }
  }
`);

export const DeleteUserMutation = graphql(`
  mutation DeleteUser($id: ID!, $eraseData: Boolean) {
    deleteUser(id: $id, eraseData: $eraseData) {
      ...AdminUserFields
    }
  }
`);

// The link is in this answer only (the server keeps a hash of its token).
export const ResetUserPasswordMutation = graphql(`
  mutation ResetUserPassword($id: ID!) {
    resetUserPassword(id: $id) {
      url
      expiresAt
    }
  }
`);
