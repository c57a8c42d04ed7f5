import type { Budget, PrismaClient } from "../generated/prisma/client.js";

export type BudgetScope = "ORGANIZATION" | "GROUP" | "USER" | "API_KEY";

/** The group, user or API key a budget limits; null for the organisation's. */
export const budgetTargetId = (budget: Pick<Budget, "groupId" | "userId" | "apiKeyId">): string | null =>
  budget.groupId ?? budget.userId ?? budget.apiKeyId ?? null;

/**
 * The names of the budgets' targets (organisation, group, username, key name), read as the owner of
 * the budget row sees them: a member reads the group budget that applies to them, the names come with
 * it. Keys are their owners' rows, so their names come through app_api_key_names.
 */
export async function budgetTargetNames(
  prisma: PrismaClient,
  budgets: readonly Pick<Budget, "id" | "orgId" | "scope" | "groupId" | "userId" | "apiKeyId">[],
): Promise<Map<string, string>> {
  const ids = (pick: (budget: (typeof budgets)[number]) => string | null) => [
    ...new Set(budgets.map(pick).filter((id): id is string => id !== null)),
  ];
  const [organizations, groups, users, keys] = await Promise.all([
    prisma.organization.findMany({ where: { id: { in: ids((budget) => budget.orgId) } } }),
    prisma.group.findMany({ where: { id: { in: ids((budget) => budget.groupId) } } }),
    prisma.user.findMany({
      where: { id: { in: ids((budget) => budget.userId) } },
      select: { id: true, username: true },
    }),
    keyNames(
      prisma,
      ids((budget) => budget.apiKeyId),
    ),
  ]);
  const names = new Map<string, string>();
  for (const budget of budgets) {
    const name =
      budget.scope === "ORGANIZATION"
        ? organizations.find((organization) => organization.id === budget.orgId)?.name
        : budget.scope === "GROUP"
          ? groups.find((group) => group.id === budget.groupId)?.name
          : budget.scope === "USER"
            ? users.find((user) => user.id === budget.userId)?.username
            : keys.get(budget.apiKeyId ?? "");
    names.set(budget.id, name ?? "");
  }
  return names;
}

async function keyNames(prisma: PrismaClient, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await prisma.$queryRaw<{ id: string; name: string }[]>`
    select id, name from app_api_key_names(${ids}::uuid[])`;
  return new Map(rows.map((row) => [row.id, row.name]));
}
