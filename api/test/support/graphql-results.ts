import type { GraphQLResponse } from "./test-app.js";

/** The error code of a GraphQL answer's first error, if any. */
export const codeOf = (result: Pick<GraphQLResponse, "errors">) => result.errors?.[0]?.extensions?.code;

/** The data of an answer that must have succeeded; its errors otherwise. */
export function dataOf<Data>(result: GraphQLResponse<Data>): Data {
  if (result.errors || !result.data) throw new Error(JSON.stringify(result.errors));
  return result.data;
}
