import { GraphQLError } from "graphql";

/** The codes a client can rely on in `errors[].extensions.code`. */
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "INTERNAL"
  | "PROVIDER_AUTH"
  | "PROVIDER_RATE_LIMITED"
  | "PROVIDER_UNAVAILABLE"
  | "CONTEXT_TOO_LONG"
  | "PROVIDER_BAD_REQUEST"
  | "PROVIDER_ERROR";

/** The one way to raise an error a client should see: a human message plus a stable code. */
export function appError(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const notFound = (what: string) => appError("NOT_FOUND", `${what} not found`);
