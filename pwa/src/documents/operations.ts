import { graphql } from "../gql";

export const DocumentFieldsFragment = graphql(`
  fragment DocumentFields on Document {
    id
    filename
    mimeType
    sizeBytes
    scope
    status
    progress {
      stage
      done
      total
    }
    pageCount
    chunkCount
    ocrPages
    summary
    error
    errorCode
    downloadUrl
    createdAt
    chat {
      id
    }
  }
`);

export const DocumentsQuery = graphql(`
  query Documents($scope: DocumentScope, $chatId: ID, $first: Int!, $after: String) {
    documents(scope: $scope, chatId: $chatId, first: $first, after: $after) {
      edges {
        node {
          ...DocumentFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const DocumentQuery = graphql(`
  query Document($id: ID!) {
    document(id: $id) {
      ...DocumentFields
    }
  }
`);

export const UploadDocumentMutation = graphql(`
  mutation UploadDocument($input: UploadDocumentInput!) {
    uploadDocument(input: $input) {
      ...DocumentFields
    }
  }
`);

export const RenameDocumentMutation = graphql(`
  mutation RenameDocument($id: ID!, $filename: String!) {
    renameDocument(id: $id, filename: $filename) {
      ...DocumentFields
    }
  }
`);

export const DeleteDocumentMutation = graphql(`
  mutation DeleteDocument($id: ID!) {
    deleteDocument(id: $id)
  }
`);
