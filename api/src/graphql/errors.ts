import { GraphQLError } from "graphql";
import type { AppError, ErrorCode } from "../errors/app-errors.js";

/**
 * A GraphQL error with a human message and a stable code, for the transport layer (Yoga plugins,
 * the schema builder). Domain code throws AppErrors instead; error masking converts those.
 */
export function appError(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** The GraphQL form of a domain error. */
export function toGraphQLError(error: AppError, path?: readonly (string | number)[]): GraphQLError {
  return new GraphQLError(error.message, { path, extensions: { ...error.extensions, code: error.code } });
}
