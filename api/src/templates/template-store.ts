import type { AuditTrail } from "../audit/audit-trail.js";
import type { Prisma, PrismaClient, PromptTemplate } from "../generated/prisma/client.js";
import { type ShareableStore, SharedItems } from "../sharing/shared-items.js";

export type TemplateData = Pick<
  Prisma.PromptTemplateUncheckedCreateInput,
  "name" | "description" | "content" | "category"
>;

/** Prompt templates with the sharing rules applied. */
export function createTemplates(prisma: PrismaClient, audit: AuditTrail) {
  const store: ShareableStore<PromptTemplate, TemplateData, Partial<TemplateData>> = {
    findById: (id) => prisma.promptTemplate.findUnique({ where: { id } }),
    listVisible: (userId) =>
      prisma.promptTemplate.findMany({
        where: { OR: [{ userId }, { isGlobal: true }] },
        orderBy: [{ category: "asc" }, { name: "asc" }, { id: "asc" }],
      }),
    create: (data, db = prisma) => db.promptTemplate.create({ data }),
    update: (id, data, db = prisma) => db.promptTemplate.update({ where: { id }, data }),
    delete: async (id, db = prisma) => {
      await db.promptTemplate.delete({ where: { id } });
    },
  };
  return new SharedItems("Template", store, {
    trail: audit,
    kind: "template",
    actions: { created: "template.created", updated: "template.updated", deleted: "template.deleted" },
    // The content is marked as changed, never shown (redaction.ts).
    fields: (item) => ({
      name: item.name,
      description: item.description,
      category: item.category,
      content: item.content,
      isGlobal: item.isGlobal,
    }),
    label: (item) => item.name,
  });
}

export type Templates = ReturnType<typeof createTemplates>;
