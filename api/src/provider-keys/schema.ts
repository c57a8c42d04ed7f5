import { z } from "zod";
import { builder } from "../graphql/builder.js";
import { providerIdSchema } from "../providers/types.js";
import type { ProviderConnectionView, ProviderTestResult } from "./provider-key-service.js";

const ProviderKeySource = builder.enumType("ProviderKeySource", {
  description: "Where a provider's key comes from",
  values: {
    DATABASE: { description: "Set by an admin of the organisation (stored encrypted)" },
    ENVIRONMENT: { description: "The server's environment variables" },
    NONE: { description: "Not configured" },
  } as const,
});

const ProviderConnection = builder.objectRef<ProviderConnectionView>("ProviderConnection").implement({
  description: "A provider as the organisation has it configured; the key itself is never returned",
  fields: (t) => ({
    provider: t.exposeString("provider", {
      description: "openai, anthropic, google, mistral, xai, azure or ollama",
    }),
    name: t.exposeString("name"),
    configured: t.exposeBoolean("configured"),
    source: t.field({ type: ProviderKeySource, resolve: (connection) => connection.source }),
    keyHint: t.exposeString("keyHint", { nullable: true, description: "The key's last four characters" }),
    baseUrl: t.exposeString("baseUrl", { nullable: true }),
    deployments: t.exposeStringList("deployments", { description: "Azure only: the deployments offered" }),
    lastTestedAt: t.expose("lastTestedAt", { type: "DateTime", nullable: true }),
    lastTestOk: t.exposeBoolean("lastTestOk", { nullable: true }),
    lastError: t.exposeString("lastError", { nullable: true }),
  }),
});

const ProviderTestResultRef = builder.objectRef<ProviderTestResult>("ProviderTestResult").implement({
  fields: (t) => ({
    ok: t.exposeBoolean("ok"),
    latencyMs: t.exposeInt("latencyMs"),
    error: t.exposeString("error", { nullable: true, description: "Why the test failed, in words" }),
    modelCount: t.exposeInt("modelCount", {
      nullable: true,
      description: "How many models the provider listed",
    }),
    connection: t.field({ type: ProviderConnection, resolve: (result) => result.connection }),
  }),
});

const SetProviderKeyInput = builder.inputType("SetProviderKeyInput", {
  fields: (t) => ({
    apiKey: t.string({
      description:
        "Never returned. Left out: the stored key stays (required the first time, except for ollama)",
      validate: z.string().max(1_000),
    }),
    baseUrl: t.string({
      description: "Optional for cloud providers (default: the server's), required for ollama and azure",
      validate: z.string().max(500),
    }),
    deployments: t.stringList({ description: "Azure only", validate: z.array(z.string().max(200)).max(100) }),
  }),
});

const provider = () => ({ required: true, validate: providerIdSchema }) as const;

builder.queryField("providerConnections", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: [ProviderConnection],
    description: "Each provider as the organisation has it configured (its admins)",
    resolve: (_root, _args, context) => context.services.providerKeys.list(context.viewer),
  }),
);

builder.mutationFields((t) => ({
  setProviderKey: t.withAuth({ session: true }).field({
    type: ProviderConnection,
    description: "Stores the organisation's key (encrypted); it takes precedence over the environment's",
    args: { provider: t.arg.string(provider()), input: t.arg({ type: SetProviderKeyInput, required: true }) },
    resolve: (_root, args, context) =>
      context.services.providerKeys.set(context.viewer, providerIdSchema.parse(args.provider), args.input),
  }),
  deleteProviderKey: t.withAuth({ session: true }).field({
    type: ProviderConnection,
    description: "Removes the stored key: the environment's applies again, if there is one",
    args: { provider: t.arg.string(provider()) },
    resolve: (_root, args, context) =>
      context.services.providerKeys.remove(context.viewer, providerIdSchema.parse(args.provider)),
  }),
  testProviderKey: t.withAuth({ loggedIn: true }).field({
    type: ProviderTestResultRef,
    description: "A real, minimal call with the key in effect (the provider's model list)",
    args: { provider: t.arg.string(provider()) },
    resolve: (_root, args, context) =>
      context.services.providerKeys.test(context.viewer, providerIdSchema.parse(args.provider)),
  }),
}));
