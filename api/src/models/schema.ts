import { builder } from "../graphql/builder.js";
import type { ModelAvailability } from "../providers/registry.js";

type ModelShape = ModelAvailability & { isDefault: boolean };

const ModelPrices = builder.objectRef<ModelAvailability["prices"]>("ModelPrices").implement({
  description: "List prices in USD per million tokens",
  fields: (t) => ({
    inputPerMillion: t.exposeFloat("inputPerMTok"),
    cachedInputPerMillion: t.exposeFloat("cachedInputPerMTok"),
    outputPerMillion: t.exposeFloat("outputPerMTok"),
  }),
});

const Model = builder.objectRef<ModelShape>("Model").implement({
  fields: (t) => ({
    id: t.exposeID("id", { description: "provider/model, e.g. openai/gpt-5.1" }),
    provider: t.exposeString("provider", {
      description: "openai, anthropic, google, mistral, xai, azure or ollama",
    }),
    name: t.exposeString("name"),
    available: t.exposeBoolean("available"),
    unavailableReason: t.exposeString("unavailableReason", { nullable: true }),
    contextWindow: t.exposeInt("contextWindow"),
    prices: t.field({ type: ModelPrices, resolve: (model) => model.prices }),
    supportsTemperature: t.exposeBoolean("supportsTemperature", {
      description: "false for models that reject a temperature; it is then not sent",
    }),
    isDefault: t.exposeBoolean("isDefault", { description: "DEFAULT_MODEL of this server" }),
  }),
});

builder.queryField("models", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: [Model],
    description: "Every model this server knows, with whether it can be used now and why not",
    resolve: async (_root, _args, context) => {
      const models = await context.services.registry.listModels();
      return models.map((model) => ({ ...model, isDefault: model.id === context.config.DEFAULT_MODEL }));
    },
  }),
);
