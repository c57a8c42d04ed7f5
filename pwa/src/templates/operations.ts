import { graphql } from "../gql";

export const TemplateFieldsFragment = graphql(`
  fragment TemplateFields on Template {
    id
    name
    description
    content
    category
    isGlobal
    canEdit
    variables {
      name
      kind
      options
    }
  }
`);

export const TemplatesQuery = graphql(`
  query Templates {
    templates {
      ...TemplateFields
    }
  }
`);

export const RenderTemplateQuery = graphql(`
  query RenderTemplate($id: ID!, $values: JSON!, $timeZone: String) {
    renderTemplate(id: $id, values: $values, timeZone: $timeZone)
  }
`);

export const CreateTemplateMutation = graphql(`
  mutation CreateTemplate($input: CreateTemplateInput!) {
    createTemplate(input: $input) {
      ...TemplateFields
    }
  }
`);

export const UpdateTemplateMutation = graphql(`
  mutation UpdateTemplate($id: ID!, $input: UpdateTemplateInput!) {
    updateTemplate(id: $id, input: $input) {
      ...TemplateFields
    }
  }
`);

export const DeleteTemplateMutation = graphql(`
  mutation DeleteTemplate($id: ID!) {
    deleteTemplate(id: $id)
  }
`);
