import { z } from "zod";
import type { ModelPrice as ModelPriceRow } from "../generated/prisma/client.js";
import { builder } from "../graphql/builder.js";
import { singleLine } from "../graphql/text-schemas.js";
import { GroupRef } from "../groups/schema.js";
import { type ModelInfo, supportsVision } from "../providers/catalogue.js";
import { providerIdSchema } from "../providers/types.js";
import type { OrganizationModel } from "./model-access.js";

type ModelShape = OrganizationModel & { isDefault: boolean };

const ModelPrices = builder.objectRef<ModelInfo["prices"]>("ModelPrices").implement({
  description: "Prices in USD per million tokens, as the organisation bills them",
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
    name: t.exposeString("displayName", { description: "As the organisation names it" }),
    available: t.exposeBoolean("available"),
    unavailableReason: t.exposeString("unavailableReason", { nullable: true }),
    contextWindow: t.exposeInt("contextWindow"),
    prices: t.field({ type: ModelPrices, resolve: (model) => model.prices }),
    supportsTemperature: t.exposeBoolean("supportsTemperature", {
      description: "false for models that reject a temperature; it is then not sent",
    }),
    supportsVision: t.boolean({ resolve: (model) => supportsVision(model) }),
    isDefault: t.exposeBoolean("isDefault", {
      description: "The organisation's default model (else the server's DEFAULT_MODEL)",
    }),
  }),
});

builder.queryField("models", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: [Model],
    description:
      "The models the signed-in user may choose (enabled in their organisation, for everyone or one of their groups), with whether each can be used now and why not",
    resolve: async (_root, _args, context) => {
      const [models, defaults] = await Promise.all([
        context.services.modelConfigs.usable(context.viewer),
        context.services.modelAccess.defaults(context.viewer.orgId),
      ]);
      return models.map((model) => ({ ...model, isDefault: model.id === defaults.model }));
    },
  }),
);

// The administration of the organisation's models.

const ModelSource = builder.enumType("ModelSource", {
  values: {
    CATALOGUE: { description: "In the built-in catalogue (or an Azure deployment, a local server's model)" },
    DISCOVERED: { description: "Loaded from the provider's live model list" },
  } as const,
});

type PriceShape = {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number;
  validFrom: Date | null;
};

const ModelPrice = builder.objectRef<PriceShape>("ModelPrice").implement({
  description: "A price version, in USD per million tokens",
  fields: (t) => ({
    inputPerMTokens: t.exposeFloat("inputPerMTok"),
    outputPerMTokens: t.exposeFloat("outputPerMTok"),
    cachedInputPerMTokens: t.exposeFloat("cachedInputPerMTok"),
    validFrom: t.expose("validFrom", {
      type: "DateTime",
      nullable: true,
      description: "From when it applies; null for the catalogue's list price",
    }),
  }),
});

const priceOfRow = (row: ModelPriceRow): PriceShape => ({
  inputPerMTok: row.inputPerMTok.toNumber(),
  outputPerMTok: row.outputPerMTok.toNumber(),
  cachedInputPerMTok: row.cachedInputPerMTok.toNumber(),
  validFrom: row.validFrom,
});

const ModelConfig = builder.objectRef<ModelShape>("ModelConfig").implement({
  description: "A model as the organisation configured it",
  fields: (t) => ({
    modelId: t.exposeID("id"),
    provider: t.exposeString("provider"),
    displayName: t.exposeString("displayName"),
    enabled: t.exposeBoolean("enabled"),
    isDefault: t.exposeBoolean("isDefault", { description: "The organisation's default model" }),
    sortOrder: t.exposeInt("sortOrder"),
    contextWindow: t.exposeInt("contextWindow"),
    supportsTemperature: t.exposeBoolean("supportsTemperature"),
    supportsVision: t.boolean({ resolve: (model) => supportsVision(model) }),
    isFree: t.exposeBoolean("isFree", { description: "Marked free: may be enabled without a price" }),
    price: t.field({
      type: ModelPrice,
      nullable: true,
      description: "The price that applies now; null when the model has none",
      resolve: (model) =>
        model.priceVersion || model.prices.inputPerMTok > 0 || model.prices.outputPerMTok > 0
          ? { ...model.prices, validFrom: model.priceVersion?.validFrom ?? null }
          : null,
    }),
    priceHistory: t.field({
      type: [ModelPrice],
      description: "Every price the organisation set, newest first, then the catalogue's list price",
      resolve: async (model, _args, context) => {
        const rows = await context.services.modelConfigs.priceHistory(context.viewer!.orgId, model.id);
        const listPrice = context.services.modelAccess.listPrice(model.id);
        return [...rows.map(priceOfRow), ...(listPrice ? [{ ...listPrice, validFrom: null }] : [])];
      },
    }),
    allowedGroups: t.prismaField({
      type: [GroupRef],
      description: "Empty: everyone in the organisation may use it",
      resolve: (query, model, _args, context) =>
        model.allowedGroupIds.length === 0
          ? []
          : context.prisma.group.findMany({
              ...query,
              where: { id: { in: model.allowedGroupIds } },
              orderBy: [{ name: "asc" }, { id: "asc" }],
            }),
    }),
    source: t.field({
      type: ModelSource,
      resolve: (model) => (model.discovered ? "DISCOVERED" : "CATALOGUE"),
    }),
    providerConfigured: t.boolean({
      description: "Whether the provider is configured (by a key in the database or the environment)",
      resolve: (model) => model.available,
    }),
  }),
});

const UpdateModelConfigInput = builder.inputType("UpdateModelConfigInput", {
  fields: (t) => ({
    enabled: t.boolean(),
    isDefault: t.boolean(),
    displayName: t.string({
      description: "Empty: the catalogue's name",
      validate: singleLine(z.string().trim().max(100, "The name has at most 100 characters")),
    }),
    sortOrder: t.int({ validate: z.number().int().min(-10_000).max(10_000) }),
    allowedGroupIds: t.idList({
      description: "Empty list: everyone",
      validate: z.array(z.string()).max(200),
    }),
    isFree: t.boolean(),
  }),
});

const price = z.number().min(0, "A price is not negative").max(10_000);
const SetModelPriceInput = builder.inputType("SetModelPriceInput", {
  fields: (t) => ({
    inputPerMTokens: t.float({ required: true, validate: price }),
    outputPerMTokens: t.float({ required: true, validate: price }),
    cachedInputPerMTokens: t.float({ description: "Defaults to the input price", validate: price }),
  }),
});

const modelIdArg = z.string().min(3).max(200);

async function withDefault(
  models: OrganizationModel[],
  orgId: string,
  context: { services: { modelAccess: { defaults(orgId: string): Promise<{ model: string }> } } },
): Promise<ModelShape[]> {
  const { model: defaultModel } = await context.services.modelAccess.defaults(orgId);
  return models.map((model) => ({ ...model, isDefault: model.id === defaultModel }));
}

builder.queryField("modelConfigs", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: [ModelConfig],
    description:
      "Every model the organisation knows: the catalogue, models synced from providers, local models",
    resolve: async (_root, _args, context) =>
      withDefault(await context.services.modelConfigs.list(context.viewer), context.viewer.orgId, context),
  }),
);

builder.mutationFields((t) => ({
  updateModelConfig: t.withAuth({ loggedIn: true }).field({
    type: ModelConfig,
    args: {
      modelId: t.arg.id({ required: true, validate: modelIdArg }),
      input: t.arg({ type: UpdateModelConfigInput, required: true }),
    },
    resolve: async (_root, args, context) => {
      const model = await context.services.modelConfigs.update(context.viewer, String(args.modelId), {
        ...args.input,
        allowedGroupIds: args.input.allowedGroupIds?.map(String) ?? null,
      });
      return (await withDefault([model], context.viewer.orgId, context))[0]!;
    },
  }),
  setModelPrice: t.withAuth({ loggedIn: true }).field({
    type: ModelConfig,
    description: "A new price version, applying from now on; usage billed before keeps its price",
    args: {
      modelId: t.arg.id({ required: true, validate: modelIdArg }),
      input: t.arg({ type: SetModelPriceInput, required: true }),
    },
    resolve: async (_root, args, context) => {
      const model = await context.services.modelConfigs.setPrice(
        context.viewer,
        String(args.modelId),
        args.input,
      );
      return (await withDefault([model], context.viewer.orgId, context))[0]!;
    },
  }),
  syncProviderModels: t.withAuth({ loggedIn: true }).field({
    type: [ModelConfig],
    description: "Loads the provider's live model list; models new to the organisation arrive disabled",
    args: { provider: t.arg.string({ required: true, validate: providerIdSchema }) },
    resolve: async (_root, args, context) =>
      withDefault(
        await context.services.modelConfigs.syncProvider(
          context.viewer,
          providerIdSchema.parse(args.provider),
        ),
        context.viewer.orgId,
        context,
      ),
  }),
}));
