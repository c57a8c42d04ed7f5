import { graphql } from "../../gql";

export const GroupFieldsFragment = graphql(`
  fragment GroupFields on Group {
    id
    name
    description
    memberCount
    createdAt
    members {
      id
      username
      email
      isActive
    }
  }
`);

export const GroupsQuery = graphql(`
  query Groups {
    groups {
      ...GroupFields
    }
  }
`);

export const CreateGroupMutation = graphql(`
  mutation CreateGroup($input: CreateGroupInput!) {
    createGroup(input: $input) {
      ...GroupFields
    }
  }
`);

export const UpdateGroupMutation = graphql(`
  mutation UpdateGroup($id: ID!, $input: UpdateGroupInput!) {
    updateGroup(id: $id, input: $input) {
      ...GroupFields
    }
  }
`);

export const DeleteGroupMutation = graphql(`
  mutation DeleteGroup($id: ID!) {
    deleteGroup(id: $id)
  }
`);

export const AddGroupMembersMutation = graphql(`
  mutation AddGroupMembers($groupId: ID!, $userIds: [ID!]!) {
    addGroupMembers(groupId: $groupId, userIds: $userIds) {
      ...GroupFields
    }
  }
`);

export const RemoveGroupMembersMutation = graphql(`
  mutation RemoveGroupMembers($groupId: ID!, $userIds: [ID!]!) {
    removeGroupMembers(groupId: $groupId, userIds: $userIds) {
      ...GroupFields
    }
  }
`);
