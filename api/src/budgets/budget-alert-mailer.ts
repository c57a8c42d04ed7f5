import type { PrismaClient } from "../generated/prisma/client.js";
import type { Mailer } from "../mail/mailer.js";
import type { Logger } from "../observability/logger.js";
import { type BudgetAlert, budgetAlertMail } from "./budget-alert-mail.js";

const EVERY_MS = 5_000;
const BATCH = 20;

/** What app_budget_settle wrote with an alert (numbers may arrive as strings from jsonb numerics). */
interface AlertPayload {
  scope: BudgetAlert["scope"];
  targetName: string | null;
  threshold: number;
  spentUsd: number | string;
  limitUsd: number | string;
  resetsAt: string | null;
  hard: boolean;
  timeZone: string | null;
}

/**
 * Mails each budget alert once (app_budget_alerts_to_mail claims a batch for ten minutes, so that
 * replicas do not send the same one; a failed send is tried again, three times in all), one message
 * per recipient so nobody sees the others' addresses.
 */
export class BudgetAlertMailer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | null = null;

  constructor(
    private readonly deps: { prisma: PrismaClient; mailer: Mailer; logger: Logger; appUrl: string | null },
  ) {}

  start(everyMs = EVERY_MS): void {
    this.timer = setInterval(() => void this.sendDue(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.deps.mailer.close();
  }

  /** Sends what is due now; how many alerts were mailed. One pass at a time. */
  sendDue(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const { prisma, mailer, logger } = this.deps;
    let mailed = 0;
    const due = await prisma.$queryRaw<{ id: string; payload: AlertPayload; recipients: string[] }[]>`
      select * from app_budget_alerts_to_mail(${BATCH}::integer)`.catch((error: unknown) => {
      logger.warn({ err: error }, "could not read budget alerts to mail");
      return [];
    });
    for (const alert of due) {
      const mail = budgetAlertMail(this.alertOf(alert.payload));
      try {
        for (const to of alert.recipients) await mailer.send({ to: [to], ...mail });
        await prisma.$queryRaw`select app_budget_alert_mailed(${alert.id}::uuid)`;
        mailed += 1;
      } catch (error) {
        logger.warn({ err: error, alertId: alert.id }, "could not mail a budget alert; trying again later");
      }
    }
    return mailed;
  }

  private alertOf(payload: AlertPayload): BudgetAlert {
    return {
      scope: payload.scope,
      targetName: payload.targetName ?? "",
      threshold: payload.threshold,
      spentUsd: Number(payload.spentUsd),
      limitUsd: Number(payload.limitUsd),
      resetsAt: payload.resetsAt ? new Date(payload.resetsAt) : null,
      timeZone: payload.timeZone ?? "UTC",
      hard: payload.hard,
      appUrl: this.deps.appUrl,
    };
  }
}
