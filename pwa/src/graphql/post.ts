import type { TypedDocumentNode } from "@urql/core";
import { graphqlUrl } from "./endpoint";
import { operationParams } from "./persisted";

export interface GraphQLErrorLike {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLResponse<TData> {
  data?: TData | null;
  errors?: GraphQLErrorLike[];
}

/**
 * A plain POST outside the urql client, for the session refresh (which must not go through the
 * client's own refresh-on-401 logic). Rejects when the network fails.
 */
export async function postGraphQL<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  fetchImpl: typeof fetch = fetch,
): Promise<GraphQLResponse<TData>> {
  const response = await fetchImpl(graphqlUrl, {
    method: "POST",
    credentials: "include",
    // Finishes even if the page goes away meanwhile, so the rotated refresh cookie is not lost.
    keepalive: true,
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify(operationParams(document, variables)),
  });
  return (await response.json()) as GraphQLResponse<TData>;
}

export function firstErrorCode(errors: readonly GraphQLErrorLike[] | undefined): string | undefined {
  return errors?.find((error) => error.extensions?.code)?.extensions?.code;
}
