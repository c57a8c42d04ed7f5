import { graphql } from "../gql";

export const ChatListQuery = graphql(`
  query ChatList($first: Int!, $search: String) {
    chats(first: $first, search: $search) {
      edges {
        node {
          id
          title
          updatedAt
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

export const CreateChatMutation = graphql(`
  mutation CreateChat($input: CreateChatInput!) {
    createChat(input: $input) {
      id
      title
      model
      temperature
      updatedAt
    }
  }
`);

export const UpdateChatMutation = graphql(`
  mutation UpdateChat($id: ID!, $input: UpdateChatInput!) {
    updateChat(id: $id, input: $input) {
      id
      title
      model
      temperature
      updatedAt
    }
  }
`);

export const DeleteChatMutation = graphql(`
  mutation DeleteChat($id: ID!) {
    deleteChat(id: $id)
  }
`);
