import { describe, expect, it } from "vitest";
import { type BudgetAlert, budgetAlertMail } from "./budget-alert-mail.js";

const alert: BudgetAlert = {
  scope: "GROUP",
  targetName: "Vertrieb",
  threshold: 80,
  spentUsd: 0.008,
  limitUsd: 0.01,
  resetsAt: new Date("2027-01-01T00:00:00+01:00"),
  timeZone: "Europe/Berlin",
  hard: true,
  appUrl: "https://chat.example.com",
};

describe("budgetAlertMail", () => {
  it("says which budget, how far, how much and when it resets, German first, then English", () => {
    const { subject, text } = budgetAlertMail(alert);
    expect(subject).toBe(
      "Budget für Gruppe Vertrieb: 80 % erreicht / The budget of group Vertrieb: 80 % reached",
    );
    expect(text).toBe(
      [
        "Das Budget für Gruppe Vertrieb hat 80 % erreicht: $0.0080 von $0.0100 verbraucht.",
        "Es wird am 01.01.2027 00:00 (Europe/Berlin) zurückgesetzt.",
        "Verbrauch ansehen: https://chat.example.com/usage",
        "",
        "---",
        "",
        "The budget of group Vertrieb has reached 80 %: $0.0080 of $0.0100 spent.",
        "It resets on 2027-01-01 00:00 (Europe/Berlin).",
        "View usage: https://chat.example.com/usage",
        "",
      ].join("\n"),
    );
    expect(text.indexOf("Das Budget")).toBeLessThan(text.indexOf("The budget"));
  });

  it("tells the reset in the organisation's time zone", () => {
    const resetsAt = new Date("2027-01-01T00:00:00+01:00");
    expect(budgetAlertMail({ ...alert, resetsAt, timeZone: "America/New_York" }).text).toContain(
      "am 31.12.2026 18:00 (America/New_York)",
    );
    expect(budgetAlertMail({ ...alert, resetsAt, timeZone: "UTC" }).text).toContain(
      "on 2026-12-31 23:00 (UTC)",
    );
    // Summer time: Berlin is UTC+2.
    const summer = budgetAlertMail({ ...alert, resetsAt: new Date("2027-07-01T22:00:00Z") }).text;
    expect(summer).toContain("am 02.07.2027 00:00 (Europe/Berlin)");
    expect(summer).toContain("on 2027-07-02 00:00 (Europe/Berlin)");
  });

  it("falls back to UTC, and says so, for an unknown time zone", () => {
    const { text } = budgetAlertMail({ ...alert, timeZone: "Mars/Olympus" });
    expect(text).toContain("am 31.12.2026 23:00 (UTC)");
  });

  it("says that a TOTAL budget does not reset", () => {
    const { text } = budgetAlertMail({ ...alert, resetsAt: null });
    expect(text).toContain("Es wird nicht zurückgesetzt (Gesamtbudget).");
    expect(text).toContain("It does not reset (total budget).");
    expect(text).not.toMatch(/resets on|zurückgesetzt\.$/m);
  });

  it("names every kind of budget neutrally", () => {
    const names = (scope: BudgetAlert["scope"], targetName: string) =>
      budgetAlertMail({ ...alert, scope, targetName }).subject;
    expect(names("ORGANIZATION", "Acme")).toBe(
      "Budget für Organisation Acme: 80 % erreicht / The budget of organisation Acme: 80 % reached",
    );
    expect(names("USER", "anna")).toBe(
      "Budget für Benutzer anna: 80 % erreicht / The budget of user anna: 80 % reached",
    );
    expect(names("API_KEY", "ci-bot")).toBe(
      "Budget für API-Schlüssel ci-bot: 80 % erreicht / The budget of API key ci-bot: 80 % reached",
    );
  });

  it("shows cents from a dollar on, four decimals below", () => {
    const { text } = budgetAlertMail({ ...alert, spentUsd: 40.5, limitUsd: 50 });
    expect(text).toContain("$40.50 von $50.00 verbraucht");
    expect(text).toContain("$40.50 of $50.00 spent");
    expect(budgetAlertMail({ ...alert, spentUsd: 0.99994, limitUsd: 1 }).text).toContain("$0.9999 of $1.00");
  });

  it("says that requests are refused only for a hard budget at 100 %", () => {
    const refused = budgetAlertMail({ ...alert, threshold: 100, spentUsd: 0.01 }).text;
    expect(refused).toContain("Anfragen, die dieses Budget betreffen, werden jetzt abgelehnt.");
    expect(refused).toContain("Requests this budget applies to are now refused.");
    expect(budgetAlertMail({ ...alert, threshold: 100, hard: false }).text).not.toMatch(/abgelehnt|refused/);
    expect(budgetAlertMail(alert).text).not.toMatch(/abgelehnt|refused/);
  });

  it("links to the usage page only when the app's URL is known", () => {
    expect(budgetAlertMail({ ...alert, appUrl: "https://chat.example.com/" }).text).toContain(
      "View usage: https://chat.example.com/usage\n",
    );
    const { text } = budgetAlertMail({ ...alert, appUrl: null });
    expect(text).not.toMatch(/usage|Verbrauch ansehen|http/);
  });
});
