import { graphql } from "../gql";

export const MessageFieldsFragment = graphql(`
  fragment MessageFields on Message {
    id
    chatId
    role
    content
    status
    model
    budgetFallbackFrom
    imagesAsText
    clientMessageId
    createdAt
    error {
      code
      message
    }
    usage {
      promptTokens
      completionTokens
      costUsd
    }
    sources {
      index
      filename
      page
      section
      excerpt
      score
      document {
        id
        filename
        downloadUrl
      }
    }
    attachments {
      id
      filename
      mimeType
      downloadUrl
    }
  }
`);

export const MessagePageFragment = graphql(`
  fragment MessagePage on ChatMessagesConnection {
    edges {
      node {
        ...MessageFields
      }
    }
    pageInfo {
      hasPreviousPage
      startCursor
    }
  }
`);

export const ChatQuery = graphql(`
  query Chat($id: ID!, $last: Int!) {
    chat(id: $id) {
      id
      title
      model
      temperature
      updatedAt
      assistant {
        id
        name
        icon
      }
      assistantUnavailable
      messages(last: $last) {
        ...MessagePage
      }
    }
  }
`);

export const OlderMessagesQuery = graphql(`
  query OlderMessages($id: ID!, $last: Int!, $before: String!) {
    chat(id: $id) {
      id
      messages(last: $last, before: $before) {
        ...MessagePage
      }
    }
  }
`);

export const SendMessageMutation = graphql(`
  mutation SendMessage($input: SendMessageInput!) {
    sendMessage(input: $input) {
      userMessage {
        ...MessageFields
      }
      assistantMessage {
        ...MessageFields
      }
    }
  }
`);

export const StopGenerationMutation = graphql(`
  mutation StopGeneration($messageId: ID!) {
    stopGeneration(messageId: $messageId) {
      ...MessageFields
    }
  }
`);

export const RegenerateMessageMutation = graphql(`
  mutation RegenerateMessage($messageId: ID!) {
    regenerateMessage(messageId: $messageId) {
      ...MessageFields
    }
  }
`);

export const EditMessageMutation = graphql(`
  mutation EditMessage($messageId: ID!, $content: String!) {
    editMessage(messageId: $messageId, content: $content) {
      userMessage {
        ...MessageFields
      }
      assistantMessage {
        ...MessageFields
      }
    }
  }
`);

export const MessageStreamSubscription = graphql(`
  subscription MessageStream($messageId: ID!) {
    messageStream(messageId: $messageId) {
      __typename
      ... on MessageDelta {
        messageId
        text
      }
      ... on MessageCompleted {
        message {
          ...MessageFields
        }
      }
      ... on MessageFailed {
        messageId
        code
        errorMessage: message
      }
    }
  }
`);
