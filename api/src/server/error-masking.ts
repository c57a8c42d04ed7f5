import { GraphQLError } from "graphql";
import type { Logger } from "./logger.js";

interface GraphQLErrorLike extends Error {
  extensions?: Record<string, unknown>;
  originalError?: unknown;
  path?: readonly (string | number)[];
}

// Duck-typed: GraphQLErrors may come from another copy of graphql-js (ESM and CJS builds both load).
const isGraphQLErrorLike = (error: unknown): error is GraphQLErrorLike =>
  error instanceof Error && error.name === "GraphQLError";

/** An error we raised for the client on purpose (see appError). */
export const isClientError = (error: unknown): error is GraphQLErrorLike =>
  isGraphQLErrorLike(error) && typeof error.extensions?.code === "string";

/**
 * Errors meant for clients (ours carry an `extensions.code`; GraphQL's own validation errors have
 * no original error) pass through. Everything else is logged and becomes a bare INTERNAL error:
 * no stack traces, SQL or secrets reach a client.
 */
export function createErrorMasker(logger: Logger) {
  return (error: unknown): Error => {
    if (!isGraphQLErrorLike(error)) return internal(logger, error, undefined);
    const original = error.originalError;
    if (original === undefined || original === null) return error;
    if (isClientError(original)) {
      return new GraphQLError(original.message, { path: error.path, extensions: original.extensions });
    }
    // graphql-js (variable coercion) and Pothos (connection arguments) describe bad input in words
    // that are safe to show.
    if (
      isGraphQLErrorLike(original) ||
      (original instanceof Error && original.name === "PothosValidationError")
    ) {
      return new GraphQLError(original.message, { path: error.path, extensions: { code: "BAD_USER_INPUT" } });
    }
    return internal(logger, original, error.path);
  };
}

function internal(logger: Logger, error: unknown, path: readonly (string | number)[] | undefined) {
  logger.error({ err: error, path }, "unexpected error");
  return new GraphQLError("Internal server error", { path, extensions: { code: "INTERNAL" } });
}
