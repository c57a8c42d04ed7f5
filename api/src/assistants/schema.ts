import { z } from "zod";
import { builder } from "../graphql/builder.js";
import { nameSchema } from "../graphql/text-schemas.js";
import { withoutNulls } from "../graphql/without-nulls.js";
import { canModify } from "../sharing/shared-items.js";

const promptSchema = z
  .string()
  .refine((value) => value.trim().length > 0, "The system prompt is required")
  .pipe(z.string().max(100_000));
const temperatureSchema = z
  .number()
  .min(0, "Temperature is between 0 and 2")
  .max(2, "Temperature is between 0 and 2");
// One emoji (possibly several code points: flags, keycaps, skin tones, ZWJ sequences), not free text.
const RGI_EMOJI = /^\p{RGI_Emoji}$/v;
const isSingleEmoji = (value: string) =>
  [...new Intl.Segmenter().segment(value)].length === 1 &&
  (RGI_EMOJI.test(value) || /\p{Extended_Pictographic}/u.test(value));
const iconSchema = z.string().trim().refine(isSingleEmoji, { message: "The icon must be a single emoji" });

export const AssistantRef = builder.prismaObject("Assistant", {
  description: "A system prompt with a model and temperature; personal, or company-wide when global",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description"),
    systemPrompt: t.exposeString("systemPrompt"),
    model: t.exposeString("model", { nullable: true }),
    temperature: t.exposeFloat("temperature", { nullable: true }),
    icon: t.exposeString("icon"),
    isGlobal: t.exposeBoolean("isGlobal"),
    isOwner: t.boolean({
      resolve: (assistant, _args, context) => assistant.userId === context.viewer?.userId,
    }),
    canEdit: t.boolean({
      description: "Whether the signed-in user may change or delete it",
      resolve: (assistant, _args, context) => (context.viewer ? canModify(context.viewer, assistant) : false),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const CreateAssistantInput = builder.inputType("CreateAssistantInput", {
  fields: (t) => ({
    name: t.string({ required: true, validate: nameSchema }),
    description: t.string({ validate: z.string().max(2_000) }),
    systemPrompt: t.string({ required: true, validate: promptSchema }),
    model: t.string({ description: "provider/model; null uses the chat's or the server's default" }),
    temperature: t.float({ validate: temperatureSchema }),
    icon: t.string({ description: "One emoji (default 🤖)", validate: iconSchema }),
    isGlobal: t.boolean({ description: "Company-wide (admins only)" }),
  }),
});

const UpdateAssistantInput = builder.inputType("UpdateAssistantInput", {
  fields: (t) => ({
    name: t.string({ validate: nameSchema }),
    description: t.string({ validate: z.string().max(2_000) }),
    systemPrompt: t.string({ validate: promptSchema }),
    model: t.string(),
    temperature: t.float({ validate: temperatureSchema }),
    icon: t.string({ validate: iconSchema }),
    isGlobal: t.boolean(),
  }),
});

builder.queryFields((t) => ({
  assistants: t.withAuth({ loggedIn: true }).prismaField({
    type: ["Assistant"],
    description: "The signed-in user's assistants and every company-wide one",
    resolve: (_query, _root, _args, context) => context.services.assistants.list(context.viewer),
  }),
  assistant: t.withAuth({ loggedIn: true }).prismaField({
    type: "Assistant",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_query, _root, args, context) =>
      context.services.assistants.read(context.viewer, String(args.id)),
  }),
}));

builder.mutationFields((t) => ({
  createAssistant: t.withAuth({ loggedIn: true }).prismaField({
    type: "Assistant",
    args: { input: t.arg({ type: CreateAssistantInput, required: true }) },
    resolve: async (_query, _root, { input }, context) => {
      const { isGlobal, ...data } = input;
      await context.services.modelAccess.assertKnown(context.viewer.orgId, data.model);
      return context.services.assistants.create(
        context.viewer,
        { ...data, description: data.description ?? "", icon: data.icon ?? "🤖" },
        isGlobal ?? false,
      );
    },
  }),
  updateAssistant: t.withAuth({ loggedIn: true }).prismaField({
    type: "Assistant",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateAssistantInput, required: true }) },
    resolve: async (_query, _root, { id, input }, context) => {
      const { isGlobal, ...data } = input;
      await context.services.modelAccess.assertKnown(context.viewer.orgId, data.model);
      return context.services.assistants.update(
        context.viewer,
        String(id),
        withoutNulls(data, ["model", "temperature"]),
        isGlobal,
      );
    },
  }),
  deleteAssistant: t.withAuth({ loggedIn: true }).boolean({
    description: "Deletes the assistant; its chats keep working without it",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services.assistants.delete(context.viewer, String(args.id)),
  }),
}));
