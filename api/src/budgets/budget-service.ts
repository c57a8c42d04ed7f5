import type { AuditTrail } from "../audit/audit-trail.js";
import { changesBetween } from "../audit/redaction.js";
import type { Viewer } from "../auth/viewer.js";
import { isUuid } from "../db/uuid.js";
import { BadInputError, NotFoundError } from "../errors/app-errors.js";
import type { Budget, PrismaClient } from "../generated/prisma/client.js";
import type { ModelAccess } from "../models/model-access.js";
import { assertOrganizationAdmin } from "../organizations/organization-admin.js";
import { type BudgetScope, budgetTargetId, budgetTargetNames } from "./budget-targets.js";

export type BudgetPeriod = "DAY" | "WEEK" | "MONTH" | "TOTAL";

export interface BudgetSettings {
  limitUsd?: number | null;
  period?: BudgetPeriod | null;
  hard?: boolean | null;
  alertThresholds?: number[] | null;
  models?: string[] | null;
  fallbackModel?: string | null;
}

export interface CreateBudgetInput extends BudgetSettings {
  scope: BudgetScope;
  targetId?: string | null;
  limitUsd: number;
  period: BudgetPeriod;
}

/** A budget as it stands now: a period that ended (and no request has rolled yet) reads as the new one. */
export type BudgetView = Budget & { remainingUsd: number; usedPercent: number; targetName: string };

const DEFAULT_THRESHOLDS = [50, 80, 100];

/** Budgets of an organisation, set by its admins; everyone reads those that apply to them. */
export class BudgetService {
  constructor(private readonly deps: { prisma: PrismaClient; models: ModelAccess; audit: AuditTrail }) {}

  async list(
    viewer: Viewer,
    filter: { scope?: BudgetScope | null; targetId?: string | null },
  ): Promise<BudgetView[]> {
    assertOrganizationAdmin(viewer);
    if (filter.targetId && !isUuid(filter.targetId)) return [];
    const target = filter.targetId
      ? { OR: [{ groupId: filter.targetId }, { userId: filter.targetId }, { apiKeyId: filter.targetId }] }
      : {};
    const budgets = await this.deps.prisma.budget.findMany({
      where: { orgId: viewer.orgId, ...(filter.scope ? { scope: filter.scope } : {}), ...target },
      orderBy: [{ scope: "asc" }, { createdAt: "asc" }, { id: "asc" }],
    });
    return this.current(budgets);
  }

  /** Every budget that applies to the viewer's requests now (with an API key, the key's too), tightest first. */
  async mine(viewer: Viewer): Promise<BudgetView[]> {
    const groups = await this.deps.prisma.groupMember.findMany({
      where: { userId: viewer.userId },
      select: { groupId: true },
    });
    const budgets = await this.deps.prisma.budget.findMany({
      where: {
        orgId: viewer.orgId,
        OR: [
          { scope: "ORGANIZATION" },
          { userId: viewer.userId },
          { groupId: { in: groups.map((group) => group.groupId) } },
          ...(viewer.apiKeyId ? [{ apiKeyId: viewer.apiKeyId }] : []),
        ],
      },
    });
    const views = await this.current(budgets);
    return views.sort((a, b) => a.remainingUsd - b.remainingUsd || b.usedPercent - a.usedPercent);
  }

  /** The budget of one of the viewer's keys (their own keys only reach here). */
  async ofApiKey(apiKeyId: string): Promise<BudgetView | null> {
    const budget = await this.deps.prisma.budget.findFirst({
      where: { apiKeyId },
      orderBy: [{ createdAt: "asc" }],
    });
    return budget ? ((await this.current([budget]))[0] ?? null) : null;
  }

  async find(viewer: Viewer, id: string): Promise<Budget> {
    assertOrganizationAdmin(viewer);
    const budget = isUuid(id)
      ? await this.deps.prisma.budget.findFirst({ where: { id, orgId: viewer.orgId } })
      : null;
    if (!budget) throw new NotFoundError("Budget");
    return budget;
  }

  async create(viewer: Viewer, input: CreateBudgetInput): Promise<BudgetView> {
    assertOrganizationAdmin(viewer);
    const target = await this.target(viewer, input.scope, input.targetId ?? null);
    const settings = await this.settings(viewer, input);
    const budget = await this.deps.audit.change(
      (tx) =>
        tx.budget.create({
          data: {
            orgId: viewer.orgId,
            scope: input.scope,
            ...target,
            limitUsd: input.limitUsd,
            period: input.period,
            hard: input.hard ?? true,
            alertThresholds: settings.alertThresholds ?? DEFAULT_THRESHOLDS,
            models: settings.models ?? [],
            fallbackModel: settings.fallbackModel || null,
          },
        }),
      (created) => ({
        action: "budget.created",
        target: budgetAudit(created),
        changes: changesBetween(null, auditedSettings(created)),
      }),
    );
    return (await this.current([budget]))[0] as BudgetView;
  }

  async update(viewer: Viewer, id: string, input: BudgetSettings): Promise<BudgetView> {
    const before = await this.find(viewer, id);
    const settings = await this.settings(viewer, input);
    const budget = await this.deps.audit.change(
      (tx) =>
        tx.budget.update({
          where: { id },
          data: {
            ...(input.limitUsd != null ? { limitUsd: input.limitUsd } : {}),
            ...(input.period != null ? { period: input.period } : {}),
            ...(input.hard != null ? { hard: input.hard } : {}),
            ...(settings.alertThresholds ? { alertThresholds: settings.alertThresholds } : {}),
            ...(settings.models ? { models: settings.models } : {}),
            ...(input.fallbackModel != null ? { fallbackModel: input.fallbackModel || null } : {}),
            updatedAt: new Date(),
          },
        }),
      (updated) => {
        const changes = changesBetween(auditedSettings(before), auditedSettings(updated));
        return changes ? { action: "budget.updated", target: budgetAudit(updated), changes } : null;
      },
    );
    return (await this.current([budget]))[0] as BudgetView;
  }

  async remove(viewer: Viewer, id: string): Promise<boolean> {
    const budget = await this.find(viewer, id);
    await this.deps.audit.change((tx) => tx.budget.delete({ where: { id } }), {
      action: "budget.deleted",
      target: budgetAudit(budget),
      changes: changesBetween(auditedSettings(budget), null),
    });
    return true;
  }

  /** The target's column for the scope, checked to be of the organisation. */
  private async target(viewer: Viewer, scope: BudgetScope, targetId: string | null) {
    if (scope === "ORGANIZATION") {
      if (targetId) throw new BadInputError("An organisation budget has no target", { field: "targetId" });
      return {};
    }
    if (!targetId || !isUuid(targetId))
      throw new BadInputError("Choose whom the budget is for", { field: "targetId" });
    const { prisma } = this.deps;
    const found =
      scope === "GROUP"
        ? await prisma.group.findFirst({ where: { id: targetId, orgId: viewer.orgId } })
        : scope === "USER"
          ? await prisma.user.findFirst({ where: { id: targetId, orgId: viewer.orgId, deletedAt: null } })
          : (
              await prisma.$queryRaw<
                { id: string }[]
              >`select id from app_api_key_names(${[targetId]}::uuid[])`
            )[0];
    if (!found) throw new NotFoundError(scope === "GROUP" ? "Group" : scope === "USER" ? "User" : "API key");
    return scope === "GROUP"
      ? { groupId: targetId }
      : scope === "USER"
        ? { userId: targetId }
        : { apiKeyId: targetId };
  }

  /** Thresholds sorted without repeats; models and the fallback model known to the organisation. */
  private async settings(viewer: Viewer, input: BudgetSettings) {
    const alertThresholds = input.alertThresholds
      ? [...new Set(input.alertThresholds)].sort((a, b) => a - b)
      : null;
    const models = input.models ? [...new Set(input.models)] : null;
    for (const modelId of models ?? []) await this.deps.models.assertKnown(viewer.orgId, modelId);
    if (input.fallbackModel) await this.deps.models.assertKnown(viewer.orgId, input.fallbackModel);
    return { alertThresholds, models, fallbackModel: input.fallbackModel };
  }

  /** The budgets as they stand now: those whose period ended read as their next period, nothing spent. */
  private async current(budgets: Budget[]): Promise<BudgetView[]> {
    const now = new Date();
    const stale = budgets
      .filter((budget) => budget.resetsAt && budget.resetsAt <= now)
      .map((budget) => budget.id);
    const periods = stale.length
      ? await this.deps.prisma.$queryRaw<{ id: string; period_start: Date; resets_at: Date }[]>`
          select b.id, app_budget_period_start(b.period, o.time_zone, now()) as period_start,
                 app_budget_period_end(b.period, o.time_zone, app_budget_period_start(b.period, o.time_zone, now())) as resets_at
          from app_budgets b join organizations o on o.id = b.org_id where b.id = any (${stale}::uuid[])`
      : [];
    const names = await budgetTargetNames(this.deps.prisma, budgets);
    return budgets.map((budget) => {
      const next = periods.find((period) => period.id === budget.id);
      const current = next
        ? {
            ...budget,
            periodStart: next.period_start,
            resetsAt: next.resets_at,
            spentUsd: budget.spentUsd.mul(0),
          }
        : budget;
      const limit = current.limitUsd.toNumber();
      const spent = current.spentUsd.toNumber();
      return {
        ...current,
        remainingUsd: Math.max(0, limit - spent - current.reservedUsd.toNumber()),
        usedPercent: limit > 0 ? (spent / limit) * 100 : 0,
        targetName: names.get(budget.id) ?? "",
      };
    });
  }
}

const budgetAudit = (budget: Budget) => ({
  type: "budget",
  id: budget.id,
  label: `${budget.scope}${budgetTargetId(budget) ? ` ${budgetTargetId(budget)}` : ""}`,
});

const auditedSettings = (budget: Budget) => ({
  limitUsd: budget.limitUsd.toNumber(),
  period: budget.period,
  hard: budget.hard,
  alertThresholds: budget.alertThresholds,
  models: budget.models,
  fallbackModel: budget.fallbackModel,
});
