import type { Assistant, Prisma, PrismaClient } from "../generated/prisma/client.js";
import { type ShareableStore, SharedItems } from "../sharing/shared-items.js";

export type AssistantData = Pick<
  Prisma.AssistantUncheckedCreateInput,
  "name" | "description" | "systemPrompt" | "model" | "temperature" | "icon"
>;

/** Assistants with the sharing rules applied. */
export function createAssistants(prisma: PrismaClient) {
  const store: ShareableStore<Assistant, AssistantData, Partial<AssistantData>> = {
    findById: (id) => prisma.assistant.findUnique({ where: { id } }),
    listVisible: (userId) =>
      prisma.assistant.findMany({
        where: { OR: [{ userId }, { isGlobal: true }] },
        orderBy: [{ isGlobal: "desc" }, { name: "asc" }, { id: "asc" }],
      }),
    create: (data) => prisma.assistant.create({ data }),
    update: (id, data) => prisma.assistant.update({ where: { id }, data }),
    delete: async (id) => {
      await prisma.assistant.delete({ where: { id } });
    },
  };
  return new SharedItems("Assistant", store);
}

export type Assistants = ReturnType<typeof createAssistants>;
