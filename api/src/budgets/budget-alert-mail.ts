/** What a budget alert mail needs to know: the budget as it was when the threshold was crossed. */
export interface BudgetAlert {
  scope: "ORGANIZATION" | "GROUP" | "USER" | "API_KEY";
  targetName: string;
  /** The percentage of the limit that was reached (50, 80, 100 …). */
  threshold: number;
  spentUsd: number;
  limitUsd: number;
  /** null: a TOTAL budget, which never resets. */
  resetsAt: Date | null;
  /** The organisation's IANA time zone: periods end at its midnight, so the reset is told in it. */
  timeZone: string;
  hard: boolean;
  /** Where people open the PWA (PUBLIC_APP_URL); null: the mail has no link. */
  appUrl: string | null;
}

const SCOPE_NAMES: Record<BudgetAlert["scope"], { de: string; en: string }> = {
  ORGANIZATION: { de: "Organisation", en: "organisation" },
  GROUP: { de: "Gruppe", en: "group" },
  USER: { de: "Benutzer", en: "user" },
  API_KEY: { de: "API-Schlüssel", en: "API key" },
};

/**
 * The plain-text mail for a crossed budget threshold. German first, then English: we do not know
 * each reader's language. Neutral wording ("the budget of user anna"), as admins get it too.
 */
export function budgetAlertMail(alert: BudgetAlert): { subject: string; text: string } {
  const scope = SCOPE_NAMES[alert.scope];
  const budgetDe = `Budget für ${scope.de} ${alert.targetName}`;
  const budgetEn = `the budget of ${scope.en} ${alert.targetName}`;
  const percent = `${alert.threshold} %`;
  const spent = usd(alert.spentUsd);
  const limit = usd(alert.limitUsd);
  const reset = alert.resetsAt ? zonedDateTime(alert.resetsAt, alert.timeZone) : null;
  // A hard budget at its limit refuses requests; below it, or when soft, nothing changes yet.
  const refusing = alert.hard && alert.threshold >= 100;
  const usageUrl = alert.appUrl ? `${alert.appUrl.replace(/\/+$/, "")}/usage` : null;

  const german = [
    `Das ${budgetDe} hat ${percent} erreicht: ${spent} von ${limit} verbraucht.`,
    reset
      ? `Es wird am ${reset.de} (${reset.zone}) zurückgesetzt.`
      : "Es wird nicht zurückgesetzt (Gesamtbudget).",
    ...(refusing ? ["Anfragen, die dieses Budget betreffen, werden jetzt abgelehnt."] : []),
    ...(usageUrl ? [`Verbrauch ansehen: ${usageUrl}`] : []),
  ];
  const english = [
    `${capitalize(budgetEn)} has reached ${percent}: ${spent} of ${limit} spent.`,
    reset ? `It resets on ${reset.en} (${reset.zone}).` : "It does not reset (total budget).",
    ...(refusing ? ["Requests this budget applies to are now refused."] : []),
    ...(usageUrl ? [`View usage: ${usageUrl}`] : []),
  ];
  return {
    subject: `${budgetDe}: ${percent} erreicht / ${capitalize(budgetEn)}: ${percent} reached`,
    text: `${german.join("\n")}\n\n---\n\n${english.join("\n")}\n`,
  };
}

/** Cents hide small budgets' spending (a test budget of $0.01): four decimals below a dollar. */
function usd(amount: number): string {
  return `$${amount.toFixed(Math.abs(amount) < 1 ? 4 : 2)}`;
}

/** The wall-clock time in the zone, German (01.01.2027 00:00) and unambiguous ISO-like for English. */
function zonedDateTime(date: Date, timeZone: string): { de: string; en: string; zone: string } {
  const zone = isTimeZone(timeZone) ? timeZone : "UTC";
  const parts = Object.fromEntries(
    dateTimeFormat(zone)
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  const { year, month, day, hour, minute } = parts;
  return {
    de: `${day}.${month}.${year} ${hour}:${minute}`,
    en: `${year}-${month}-${day} ${hour}:${minute}`,
    zone,
  };
}

/** An unknown zone must not cost the alert; the mail then says UTC, so what it says is still true. */
function isTimeZone(timeZone: string): boolean {
  try {
    dateTimeFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

function dateTimeFormat(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
