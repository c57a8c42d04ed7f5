import { randomUUID } from "node:crypto";
import type { AuditTrail } from "../audit/audit-trail.js";
import { requireIdentity } from "../db/request-identity.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { ModelAccess } from "../models/model-access.js";
import type { Logger } from "../observability/logger.js";
import { currentRequest } from "../observability/request-context.js";
import type { ModelInfo } from "../providers/catalogue.js";
import { BudgetExceededError } from "./budget-exceeded.js";
import { type PromptSize, worstCase } from "./worst-case.js";

/** What a request may do once admitted. */
export interface Admission {
  /** The reservation its usage event settles (pass it to recordUsage; release it if no call is made). */
  reservationId: string;
  modelId: string;
  /** The completion's limit so that no hard budget can be overrun; undefined: none applies. */
  maxOutputTokens: number | undefined;
  /** Set when a hard budget sent the answer to its fallback model: the model it refused. */
  fallbackFrom: string | null;
}

interface AdmitRow {
  admitted: boolean;
  max_output: number | null;
  budget_id: string | null;
  first_refusal: boolean;
}

/**
 * Admits provider calls against every budget that applies (app_budget_admit: one transaction that
 * locks them, checks each hard one's room, clamps the output and reserves the worst case), and gives
 * reservations back when no call was made. Refusals are BUDGET_EXCEEDED, or the budget's fallback model.
 */
export class BudgetGate {
  constructor(
    private readonly deps: { prisma: PrismaClient; models: ModelAccess; audit: AuditTrail; logger: Logger },
  ) {}

  /**
   * Admits a call of `modelId` for the current person with a prompt of `prompt`; throws
   * BudgetExceededError when a hard budget has no room (and no usable fallback model).
   */
  async admit(
    modelId: string,
    prompt: PromptSize,
    options: {
      reservationId?: string;
      maxOutputTokens?: number;
      /** Default: the current request's key. */
      apiKeyId?: string | null;
      /** Background calls (titles) are skipped rather than moved to another model. */
      fallback?: boolean;
    } = {},
  ): Promise<Admission> {
    const identity = requireIdentity("A budget check");
    const reservationId = options.reservationId ?? randomUUID();
    const apiKeyId = options.apiKeyId === undefined ? (currentRequest()?.apiKeyId ?? null) : options.apiKeyId;
    const model = await this.deps.models.priced(identity.orgId, modelId);
    const first = await this.tryAdmit(reservationId, apiKeyId, model, prompt, options.maxOutputTokens);
    if (first.admitted)
      return { reservationId, modelId, maxOutputTokens: first.maxOutputTokens, fallbackFrom: null };
    const refusal = await this.refusal(first.budgetId, first.firstRefusal);
    const fallback = refusal.fallbackModel;
    if (fallback && fallback !== modelId && options.fallback !== false) {
      const usable = await this.deps.models.assertAllowed(identity, fallback).then(
        () => true,
        () => false,
      );
      if (usable) {
        const fallbackModel = await this.deps.models.priced(identity.orgId, fallback);
        const second = await this.tryAdmit(
          reservationId,
          apiKeyId,
          fallbackModel,
          prompt,
          options.maxOutputTokens,
        );
        if (second.admitted)
          return {
            reservationId,
            modelId: fallback,
            maxOutputTokens: second.maxOutputTokens,
            fallbackFrom: modelId,
          };
      }
    }
    throw refusal.error;
  }

  /** Gives back what an admitted request reserved, when it made no provider call after all. */
  async release(reservationId: string): Promise<void> {
    await this.deps.prisma.$queryRaw`select app_budget_release(${reservationId}::uuid)`.catch(
      (error: unknown) =>
        this.deps.logger.warn({ err: error, reservationId }, "could not release a budget reservation"),
    );
  }

  private async tryAdmit(
    reservationId: string,
    apiKeyId: string | null,
    model: ModelInfo,
    prompt: PromptSize,
    maxOutputTokens?: number,
  ) {
    const call = worstCase(model, prompt, maxOutputTokens);
    const [row] = await this.deps.prisma.$queryRaw<AdmitRow[]>`
      select * from app_budget_admit(${reservationId}::uuid, ${apiKeyId}::uuid, ${model.id},
        ${call.promptUsd}::numeric, ${call.usdPerOutputToken}::numeric, ${call.maxOutputTokens}::integer,
        ${call.minOutputTokens}::integer)`;
    if (!row) throw new Error("app_budget_admit returned nothing");
    return {
      admitted: row.admitted,
      maxOutputTokens: row.max_output ?? undefined,
      budgetId: row.budget_id,
      firstRefusal: row.first_refusal,
    };
  }

  /** The refusing budget's error (the person may see the budgets that apply to them), audited once a period. */
  private async refusal(budgetId: string | null, firstRefusal: boolean) {
    const budget = budgetId ? await this.deps.prisma.budget.findUnique({ where: { id: budgetId } }) : null;
    if (!budget) throw new Error("a refusal without its budget");
    const error = await BudgetExceededError.of(this.deps.prisma, budget);
    if (firstRefusal) {
      await this.deps.audit
        .record({
          action: "budget.exceeded",
          outcome: "denied",
          target: { type: "budget", id: budget.id, label: error.extensions.targetName as string },
          changes: {
            limitUsd: { after: budget.limitUsd.toNumber() },
            spentUsd: { after: budget.spentUsd.toNumber() },
          },
        })
        .catch((failure: unknown) =>
          this.deps.logger.warn({ err: failure, budgetId }, "could not record a budget refusal"),
        );
    }
    return { error, fallbackModel: budget.fallbackModel };
  }
}
