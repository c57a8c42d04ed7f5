import type { DocumentRejectionCode } from "../documents/extraction/document-rejected.js";
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
  /** The organisation does not offer the model to this user (switched off, or for some groups only). */
  | "MODEL_DISABLED"
  /** A model without a price can only be enabled when marked free. */
  | "MODEL_PRICE_REQUIRED"
  /** The change would leave the organisation without an active admin. */
  | "LAST_ADMIN"
  /** A hard budget has no room for the request (extensions: budgetId, scope, resetsAt, …). */
  | "BUDGET_EXCEEDED"
  /** A document that cannot be read, at upload (its type) or in processing (its status says FAILED). */
  | DocumentRejectionCode
  /** The person's documents would take more than STORAGE_QUOTA_MB_PER_USER. */
  | "STORAGE_QUOTA_EXCEEDED"
  | ProviderErrorCode;

/**
 * An error meant for the client: a human message, a stable code, and details in `extensions`.
 * Domain code throws these (no GraphQL in them); the schema edge turns them into GraphQL errors
 * (server/error-masking.ts). Anything else that is thrown is an INTERNAL error.
 */
export class AppError extends Error {
  override name = "AppError";

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, extensions?: Record<string, unknown>) {
    super("NOT_FOUND", `${what} not found`, extensions);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, extensions?: Record<string, unknown>) {
    super("FORBIDDEN", message, extensions);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, extensions?: Record<string, unknown>) {
    super("CONFLICT", message, extensions);
  }
}

/** Input the client can correct; `field` names the input field when there is one. */
export class BadInputError extends AppError {
  constructor(message: string, extensions?: Record<string, unknown>) {
    super("BAD_USER_INPUT", message, extensions);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message: string, extensions?: Record<string, unknown>) {
    super("UNAUTHENTICATED", message, extensions);
  }
}

/** Too many attempts; `retryAfter` is the number of seconds until the next one may succeed. */
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfter: number,
  ) {
    super("RATE_LIMITED", message, { retryAfter });
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
