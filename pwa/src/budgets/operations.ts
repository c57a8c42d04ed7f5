import { graphql } from "../gql";

export const BudgetFieldsFragment = graphql(`
  fragment BudgetFields on Budget {
    id
    scope
    targetId
    targetName
    limitUsd
    period
    resetsAt
    spentUsd
    reservedUsd
    remainingUsd
    usedPercent
    hard
    alertThresholds
    models
    fallbackModel
  }
`);

// The time zone comes along: reset times are said in the organisation's calendar.
export const MyBudgetsQuery = graphql(`
  query MyBudgets {
    myBudgets {
      ...BudgetFields
    }
    me {
      id
      organization {
        id
        timeZone
      }
    }
  }
`);
