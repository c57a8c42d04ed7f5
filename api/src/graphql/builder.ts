import SchemaBuilder from "@pothos/core";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import ValidationPlugin from "@pothos/plugin-validation";
import type PrismaTypes from "../generated/pothos-types.js";
import { getDatamodel } from "../generated/pothos-types.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Context } from "./context.js";
import { appError } from "./errors.js";

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: { loggedIn: boolean; admin: boolean };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ValidationPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => ({
      loggedIn: context.viewer !== null,
      admin: context.viewer?.isAdmin === true,
    }),
    unauthorizedError: (_parent, context) =>
      context.viewer
        ? appError("FORBIDDEN", "You are not allowed to do this")
        : appError("UNAUTHENTICATED", context.authFailure ?? "Sign in required"),
  },
  prisma: {
    // The client is resolved per request from the context, so one schema serves any database.
    client: (context) => context.prisma as PrismaClient,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
  },
  validation: {
    validationError: (failure) =>
      appError("BAD_USER_INPUT", failure.issues.map((issue) => issue.message).join("; "), {
        fields: failure.issues.map((issue) => ({
          path: (issue.path ?? []).map((part) => (typeof part === "object" ? part.key : part)).join("."),
          message: issue.message,
        })),
      }),
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
