import type { TranslationKey } from "../../i18n/i18n";
import { t } from "../../i18n/i18n";

// Words for the audit log's machine names, with the name itself where no translation exists yet (an
// action added to the API before the app knows it).

/** "auth.sign_in" → "Sign-in" / "Anmeldung". */
export function actionLabel(action: string): string {
  const text = t(`admin.audit.actions.${action}` as TranslationKey);
  return typeof text === "string" ? text : action;
}

export function problemLabel(problem: string): string {
  const text = t(`admin.audit.problems.${problem}` as TranslationKey);
  return typeof text === "string" ? text : problem;
}

export interface AuditParty {
  type: string;
  id?: string | null;
  label?: string | null;
}

/** Who acted: their name, else what kind of actor it was (system, anonymous, an API key). */
export function actorLabel(actor: AuditParty): string {
  if (actor.label) return actor.label;
  const text = t(`admin.audit.actorTypes.${actor.type}` as TranslationKey);
  return typeof text === "string" ? text : actor.type;
}

/** What was acted on: its name, else its kind and id. */
export function targetLabel(target: AuditParty): string {
  return target.label || [target.type, target.id].filter(Boolean).join(" ");
}
