import { GraphQLError } from "graphql";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { NotFoundError, RateLimitedError } from "../errors/app-errors.js";
import { appError } from "../graphql/errors.js";
import { createErrorMasker } from "./error-masking.js";

const mask = createErrorMasker(pino({ level: "silent" }));
const located = (originalError: Error) =>
  new GraphQLError(originalError.message, { path: ["me"], originalError });

describe("error masking", () => {
  it("turns domain errors into GraphQL errors with their code, details and path", () => {
    const masked = mask(located(new NotFoundError("Chat", { field: "chatId" }))) as GraphQLError;
    expect(masked.message).toBe("Chat not found");
    expect(masked.extensions).toEqual({ code: "NOT_FOUND", field: "chatId" });
    expect(masked.path).toEqual(["me"]);
    const limited = mask(new RateLimitedError("Too many attempts", 7)) as GraphQLError;
    expect(limited.extensions).toEqual({ code: "RATE_LIMITED", retryAfter: 7 });
  });

  it("keeps errors the transport raised for clients, with their code and path", () => {
    const masked = mask(located(appError("FORBIDDEN", "Read-only key"))) as GraphQLError;
    expect(masked.message).toBe("Read-only key");
    expect(masked.extensions.code).toBe("FORBIDDEN");
    expect(masked.path).toEqual(["me"]);
  });

  it("turns anything else into a bare INTERNAL error", () => {
    const masked = mask(
      located(new Error('relation "app_users" does not exist at /srv/api/secret.ts:12')),
    ) as GraphQLError;
    expect(masked.message).toBe("Internal server error");
    expect(masked.extensions).toEqual({ code: "INTERNAL" });
    expect(JSON.stringify(masked.toJSON())).not.toMatch(/app_users|secret/);
  });

  it("passes GraphQL's own validation errors through", () => {
    const validation = new GraphQLError('Cannot query field "x" on type "Query".');
    expect(mask(validation)).toBe(validation);
  });
});
