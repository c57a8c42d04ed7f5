import { GraphQLError } from "graphql";
import type { ProviderErrorCode } from "../providers/types.js";

/** The codes a client can rely on in `errors[].extensions.code`. */
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "INTERNAL"
  /** Set by GraphQL Armor's rejections (security/armor.ts). */
  | "QUERY_TOO_COMPLEX"
  | ProviderErrorCode;

/** The one way to raise an error a client should see: a human message plus a stable code. */
export function appError(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const notFound = (what: string) => appError("NOT_FOUND", `${what} not found`);
