import SchemaBuilder from "@pothos/core";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import ValidationPlugin from "@pothos/plugin-validation";
import type { Viewer } from "../auth/viewer.js";
import type PrismaTypes from "../generated/pothos-types.js";
import { getDatamodel } from "../generated/pothos-types.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Context } from "./context.js";
import { appError } from "./errors.js";

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  /** loggedIn: a user or an API key; session: a user signed in with a password (not an API key). */
  AuthScopes: { loggedIn: boolean; session: boolean };
  /** `t.withAuth({ loggedIn: true })` fields get a non-null viewer from the type system. */
  AuthContexts: {
    loggedIn: Context & { viewer: Viewer };
    session: Context & { viewer: Viewer & { sessionId: string } };
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    /** A file of a multipart request, as Yoga parses it (a Web File). */
    File: {
      Input: { name: string; size: number; type: string; arrayBuffer(): Promise<ArrayBuffer> };
      Output: never;
    };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ValidationPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // Subscriptions are checked when they are created, by the same declarations as every other field.
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      loggedIn: context.viewer !== null,
      session: context.viewer?.sessionId != null,
    }),
    unauthorizedError: (_parent, context) => {
      if (!context.viewer) {
        const failure = context.authFailure ?? { message: "Sign in required" };
        return appError("UNAUTHENTICATED", failure.message, failure.extensions);
      }
      if (context.viewer.apiKeyId)
        return appError("FORBIDDEN", "This needs a signed-in session; an API key cannot do it");
      return appError("FORBIDDEN", "You are not allowed to do this");
    },
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
