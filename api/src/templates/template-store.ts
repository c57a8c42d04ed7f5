import type { Prisma, PrismaClient, PromptTemplate } from "../generated/prisma/client.js";
import { type ShareableStore, SharedItems } from "../sharing/shared-items.js";

export type TemplateData = Pick<
  Prisma.PromptTemplateUncheckedCreateInput,
  "name" | "description" | "content" | "category"
>;

/** Prompt templates with the sharing rules applied. */
export function createTemplates(prisma: PrismaClient) {
  const store: ShareableStore<PromptTemplate, TemplateData, Partial<TemplateData>> = {
    findById: (id) => prisma.promptTemplate.findUnique({ where: { id } }),
    listVisible: (userId) =>
      prisma.promptTemplate.findMany({
        where: { OR: [{ userId }, { isGlobal: true }] },
        orderBy: [{ category: "asc" }, { name: "asc" }, { id: "asc" }],
      }),
    create: (data) => prisma.promptTemplate.create({ data }),
    update: (id, data) => prisma.promptTemplate.update({ where: { id }, data }),
    delete: async (id) => {
      await prisma.promptTemplate.delete({ where: { id } });
    },
  };
  return new SharedItems("Template", store);
}

export type Templates = ReturnType<typeof createTemplates>;
