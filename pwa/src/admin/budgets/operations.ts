import { graphql } from "../../gql";

// The form chooses from the queries the other sections have (groups, people, the settings' models);
// what a change returns is only its id: the list is fetched again (the cache invalidates it).
export const BudgetsQuery = graphql(`
  query Budgets {
    budgets {
      ...BudgetFields
    }
  }
`);

export const CreateBudgetMutation = graphql(`
  mutation CreateBudget($input: CreateBudgetInput!) {
    createBudget(input: $input) {
      id
    }
  }
`);

export const UpdateBudgetMutation = graphql(`
  mutation UpdateBudget($id: ID!, $input: UpdateBudgetInput!) {
    updateBudget(id: $id, input: $input) {
      id
    }
  }
`);

export const DeleteBudgetMutation = graphql(`
  mutation DeleteBudget($id: ID!) {
    deleteBudget(id: $id)
  }
`);
