import type { AuditTrail } from "../audit/audit-trail.js";
import type { Assistant, Prisma, PrismaClient } from "../generated/prisma/client.js";
import { type ShareableStore, SharedItems } from "../sharing/shared-items.js";

export type AssistantData = Pick<
  Prisma.AssistantUncheckedCreateInput,
  "name" | "description" | "systemPrompt" | "model" | "temperature" | "icon"
>;

/** Assistants with the sharing rules applied. */
export function createAssistants(prisma: PrismaClient, audit: AuditTrail) {
  const store: ShareableStore<Assistant, AssistantData, Partial<AssistantData>> = {
    findById: (id) => prisma.assistant.findUnique({ where: { id } }),
    listVisible: (userId) =>
      prisma.assistant.findMany({
        where: { OR: [{ userId }, { isGlobal: true }] },
        orderBy: [{ isGlobal: "desc" }, { name: "asc" }, { id: "asc" }],
      }),
    create: (data, db = prisma) => db.assistant.create({ data }),
    update: (id, data, db = prisma) => db.assistant.update({ where: { id }, data }),
    delete: async (id, db = prisma) => {
      await db.assistant.delete({ where: { id } });
    },
  };
  return new SharedItems("Assistant", store, {
    trail: audit,
    kind: "assistant",
    actions: { created: "assistant.created", updated: "assistant.updated", deleted: "assistant.deleted" },
    // The system prompt is marked as changed, never shown (redaction.ts).
    fields: (item) => ({
      name: item.name,
      description: item.description,
      model: item.model,
      temperature: item.temperature,
      icon: item.icon,
      systemPrompt: item.systemPrompt,
      isGlobal: item.isGlobal,
    }),
    label: (item) => item.name,
  });
}

export type Assistants = ReturnType<typeof createAssistants>;
