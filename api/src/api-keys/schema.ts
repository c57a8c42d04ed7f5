import type { ApiKey } from "../generated/prisma/client.js";
import { builder } from "../graphql/builder.js";
import { nameSchema } from "../graphql/text-schemas.js";

export const ApiKeyRef = builder.prismaObject("ApiKey", {
  description: "A personal API key; authenticates as its owner with `Authorization: Bearer <secret>`",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    prefix: t.exposeString("keyPrefix", {
      description: "The first characters of the secret, to recognise it",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true }),
    readOnly: t.exposeBoolean("readOnly", { description: "Queries and subscriptions only" }),
  }),
});

const CreateApiKeyPayload = builder
  .objectRef<{ secret: string; apiKey: ApiKey }>("CreateApiKeyPayload")
  .implement({
    fields: (t) => ({
      secret: t.exposeString("secret", { description: "Shown once: store it now; only a hash is kept" }),
      apiKey: t.field({ type: ApiKeyRef, resolve: (payload) => payload.apiKey }),
    }),
  });

const CreateApiKeyInput = builder.inputType("CreateApiKeyInput", {
  fields: (t) => ({
    name: t.string({ required: true, validate: nameSchema }),
    expiresAt: t.field({ type: "DateTime", description: "null: never expires" }),
    readOnly: t.boolean({ description: "Allow queries and subscriptions only (default false)" }),
  }),
});

builder.queryField("apiKeys", (t) =>
  t.withAuth({ loggedIn: true }).prismaField({
    type: ["ApiKey"],
    description: "The signed-in user's active API keys",
    resolve: (_query, _root, _args, context) => context.services.apiKeys.list(context.viewer.userId),
  }),
);

builder.mutationFields((t) => ({
  // Keys are managed in a signed-in session, so a leaked key cannot mint or hide others.
  createApiKey: t.withAuth({ session: true }).field({
    type: CreateApiKeyPayload,
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: (_root, { input }, context) => context.services.apiKeys.create(context.viewer.userId, input),
  }),
  revokeApiKey: t.withAuth({ session: true }).boolean({
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.apiKeys.revoke(context.viewer.userId, String(args.id)),
  }),
}));
