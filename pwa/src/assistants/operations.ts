import { graphql } from "../gql";

export const AssistantFieldsFragment = graphql(`
  fragment AssistantFields on Assistant {
    id
    name
    description
    icon
    systemPrompt
    model
    temperature
    isGlobal
    canEdit
  }
`);

export const AssistantsQuery = graphql(`
  query Assistants {
    assistants {
      ...AssistantFields
    }
  }
`);

export const CreateAssistantMutation = graphql(`
  mutation CreateAssistant($input: CreateAssistantInput!) {
    createAssistant(input: $input) {
      ...AssistantFields
    }
  }
`);

export const UpdateAssistantMutation = graphql(`
  mutation UpdateAssistant($id: ID!, $input: UpdateAssistantInput!) {
    updateAssistant(id: $id, input: $input) {
      ...AssistantFields
    }
  }
`);

export const DeleteAssistantMutation = graphql(`
  mutation DeleteAssistant($id: ID!) {
    deleteAssistant(id: $id)
  }
`);
