import { GraphQLError } from "graphql";
import { isAppError } from "../errors/app-errors.js";
import { toGraphQLError } from "../graphql/errors.js";
import type { Logger } from "../observability/logger.js";

interface GraphQLErrorLike extends Error {
  extensions?: Record<string, unknown>;
  originalError?: unknown;
  path?: readonly (string | number)[];
}

// Duck-typed: GraphQLErrors may come from another copy of graphql-js (ESM and CJS builds both load).
const isGraphQLErrorLike = (error: unknown): error is GraphQLErrorLike =>
  error instanceof Error && error.name === "GraphQLError";

/** A GraphQL error the transport raised for the client on purpose (see appError). */
const isClientGraphQLError = (error: unknown): error is GraphQLErrorLike =>
  isGraphQLErrorLike(error) && typeof error.extensions?.code === "string";

/**
 * Errors meant for clients pass through: domain errors (AppError) become GraphQL errors with their
 * code; transport errors carry an `extensions.code`; GraphQL's own validation errors have no
 * original error. Everything else is logged and becomes a bare INTERNAL error:
 * no stack traces, SQL or secrets reach a client.
 */
export function createErrorMasker(logger: Logger) {
  return (error: unknown): Error => {
    if (isAppError(error)) return toGraphQLError(error);
    if (!isGraphQLErrorLike(error)) return internal(logger, error, undefined);
    const original = error.originalError;
    if (original === undefined || original === null) return withoutEcho(error);
    if (isAppError(original)) return toGraphQLError(original, error.path);
    if (isClientGraphQLError(original)) {
      return withoutEcho(
        new GraphQLError(original.message, { path: error.path, extensions: original.extensions }),
      );
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

/**
 * Yoga's own request errors carry the JSON parser's message, which quotes the body it was sent: never
 * echo what a client sent. GraphQL Armor's limits answer 400 also when they strike while parsing.
 */
function withoutEcho(error: GraphQLErrorLike): Error {
  const { originalError: echo, ...extensions } = error.extensions ?? {};
  if (!echo && extensions.code !== "QUERY_TOO_COMPLEX") return error;
  // A request the server cannot read, or an operation over the limits: the client's doing, 400.
  extensions.http = { status: 400 };
  return new GraphQLError(error.message, { path: error.path, extensions });
}

function internal(logger: Logger, error: unknown, path: readonly (string | number)[] | undefined) {
  logger.error({ err: error, path }, "unexpected error");
  return new GraphQLError("Internal server error", { path, extensions: { code: "INTERNAL" } });
}
