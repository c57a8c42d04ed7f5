import { z } from "zod";
import { BadInputError } from "../errors/app-errors.js";
import { builder } from "../graphql/builder.js";
import { nameSchema, singleLine } from "../graphql/text-schemas.js";
import { withoutNulls } from "../graphql/without-nulls.js";
import { canModify } from "../sharing/shared-items.js";
import { parsePlaceholders, renderPlaceholders, type TemplateVariable } from "./placeholders.js";

const contentSchema = z
  .string()
  .refine((value) => value.trim().length > 0, "The content is required")
  .pipe(z.string().max(100_000));
const categorySchema = singleLine(z.string().trim().min(1).max(50));

const TemplateVariableKind = builder.enumType("TemplateVariableKind", {
  values: ["TEXT", "CHOICE"] as const,
});

const TemplateVariableRef = builder.objectRef<TemplateVariable>("TemplateVariable").implement({
  description: "A placeholder to fill in: {{name}} (TEXT) or {{name:Option A|Option B}} (CHOICE)",
  fields: (t) => ({
    name: t.exposeString("name"),
    kind: t.field({ type: TemplateVariableKind, resolve: (variable) => variable.kind }),
    options: t.exposeStringList("options"),
  }),
});

builder.prismaObject("PromptTemplate", {
  name: "Template",
  description: "A prompt with placeholders; personal, or company-wide when global",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description"),
    content: t.exposeString("content"),
    category: t.exposeString("category"),
    isGlobal: t.exposeBoolean("isGlobal"),
    isOwner: t.boolean({ resolve: (template, _args, context) => template.userId === context.viewer?.userId }),
    canEdit: t.boolean({
      resolve: (template, _args, context) => (context.viewer ? canModify(context.viewer, template) : false),
    }),
    variables: t.field({
      type: [TemplateVariableRef],
      description:
        "The placeholders to fill in (built-ins such as {{current_date}} are filled automatically)",
      resolve: (template) => parsePlaceholders(template.content),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const CreateTemplateInput = builder.inputType("CreateTemplateInput", {
  fields: (t) => ({
    name: t.string({ required: true, validate: nameSchema }),
    description: t.string({ validate: z.string().max(2_000) }),
    content: t.string({ required: true, validate: contentSchema }),
    category: t.string({ description: 'default "general"', validate: categorySchema }),
    isGlobal: t.boolean({ description: "Company-wide (admins only)" }),
  }),
});

const UpdateTemplateInput = builder.inputType("UpdateTemplateInput", {
  fields: (t) => ({
    name: t.string({ validate: nameSchema }),
    description: t.string({ validate: z.string().max(2_000) }),
    content: t.string({ validate: contentSchema }),
    category: t.string({ validate: categorySchema }),
    isGlobal: t.boolean(),
  }),
});

builder.queryFields((t) => ({
  templates: t.withAuth({ loggedIn: true }).prismaField({
    type: ["PromptTemplate"],
    description: "The signed-in user's templates and every company-wide one",
    args: { category: t.arg.string() },
    resolve: async (_query, _root, args, context) => {
      const templates = await context.services.templates.list(context.viewer);
      return args.category ? templates.filter((template) => template.category === args.category) : templates;
    },
  }),
  template: t.withAuth({ loggedIn: true }).prismaField({
    type: "PromptTemplate",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_query, _root, args, context) =>
      context.services.templates.read(context.viewer, String(args.id)),
  }),
  renderTemplate: t.withAuth({ loggedIn: true }).string({
    description: "The template's text with every placeholder filled; `values` maps variable names to values",
    args: {
      id: t.arg.id({ required: true }),
      values: t.arg({ type: "JSON", required: true }),
      timeZone: t.arg.string({
        description: "IANA time zone for {{current_date}}/{{current_time}} (default UTC)",
      }),
    },
    resolve: async (_root, args, context) => {
      const template = await context.services.templates.read(context.viewer, String(args.id));
      const values = parseValues(args.values);
      const user = await context.prisma.user.findUniqueOrThrow({ where: { id: context.viewer.userId } });
      const timeZone = args.timeZone ?? undefined;
      if (timeZone && !isTimeZone(timeZone)) throw new BadInputError(`Unknown time zone "${timeZone}"`);
      const result = renderPlaceholders(template.content, values, {
        userName: user.username,
        now: new Date(),
        timeZone,
      });
      if (result.ok) return result.text;
      const problems = [
        ...(result.missing.length ? [`missing values for ${result.missing.join(", ")}`] : []),
        ...(result.invalid.length ? [`values not among the options for ${result.invalid.join(", ")}`] : []),
      ];
      throw new BadInputError(`Cannot fill the template: ${problems.join("; ")}`, {
        missing: result.missing,
        invalid: result.invalid,
      });
    },
  }),
}));

builder.mutationFields((t) => ({
  createTemplate: t.withAuth({ loggedIn: true }).prismaField({
    type: "PromptTemplate",
    args: { input: t.arg({ type: CreateTemplateInput, required: true }) },
    resolve: (_query, _root, { input }, context) => {
      const { isGlobal, ...data } = input;
      return context.services.templates.create(
        context.viewer,
        { ...data, description: data.description ?? "", category: data.category ?? "general" },
        isGlobal ?? false,
      );
    },
  }),
  updateTemplate: t.withAuth({ loggedIn: true }).prismaField({
    type: "PromptTemplate",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateTemplateInput, required: true }) },
    resolve: (_query, _root, { id, input }, context) => {
      const { isGlobal, ...data } = input;
      return context.services.templates.update(context.viewer, String(id), withoutNulls(data), isGlobal);
    },
  }),
  deleteTemplate: t.withAuth({ loggedIn: true }).boolean({
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services.templates.delete(context.viewer, String(args.id)),
  }),
}));

function parseValues(raw: unknown): Record<string, string> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new BadInputError("`values` must be an object of variable name → value");
  }
  return Object.fromEntries(
    Object.entries(raw).map(([name, value]) => [
      name,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
