import { graphql } from "../../gql";

export const OrganizationSettingsFieldsFragment = graphql(`
  fragment OrganizationSettingsFields on OrganizationSettings {
    defaultModel
    defaultTemperature
    registrationOpen
    auditRetentionDays
    serverAuditRetentionDays
    timeZone
  }
`);

// The enabled models are the choices for the default one.
export const OrganizationSettingsQuery = graphql(`
  query OrganizationSettings {
    organizationSettings {
      ...OrganizationSettingsFields
    }
    modelConfigs {
      modelId
      provider
      displayName
      enabled
      sortOrder
    }
    providerConnections {
      provider
      name
    }
  }
`);

export const UpdateOrganizationSettingsMutation = graphql(`
  mutation UpdateOrganizationSettings($input: UpdateOrganizationSettingsInput!) {
    updateOrganizationSettings(input: $input) {
      ...OrganizationSettingsFields
    }
  }
`);
