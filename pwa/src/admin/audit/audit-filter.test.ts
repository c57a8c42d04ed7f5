import { describe, expect, it } from "vitest";
import {
  auditCsvFileName,
  auditCsvUrl,
  auditFilterInput,
  changeRows,
  emptyAuditFilter,
} from "./audit-filter";

describe("the audit log's filter", () => {
  it("sends only what is set", () => {
    expect(auditFilterInput(emptyAuditFilter)).toEqual({});
    expect(auditFilterInput({ ...emptyAuditFilter, search: "   " })).toEqual({});
  });

  it("turns the chosen days into the viewer's local midnights, the last day included", () => {
    const input = auditFilterInput({ ...emptyAuditFilter, firstDay: "2026-03-01", lastDay: "2026-03-31" });
    expect(input.from).toBe(new Date(2026, 2, 1).toISOString());
    expect(input.to).toBe(new Date(2026, 3, 1).toISOString());
  });

  it("narrows to an action, an outcome, a text, an actor and a target", () => {
    expect(
      auditFilterInput({
        ...emptyAuditFilter,
        action: "auth.sign_in",
        outcome: "FAILURE",
        search: " 10.0.0.1 ",
        actor: { id: "user-1", label: "ada" },
        target: { type: "user", id: "user-2", label: "bob" },
      }),
    ).toEqual({
      actions: ["auth.sign_in"],
      outcome: "FAILURE",
      search: "10.0.0.1",
      actorId: "user-1",
      targetType: "user",
      targetId: "user-2",
    });
  });

  it("exports the same filter as CSV", () => {
    const url = new URL(
      auditCsvUrl(
        { actions: ["auth.sign_in", "auth.sign_out"], outcome: "DENIED", from: "2026-03-01T00:00:00.000Z" },
        "http://localhost:4000",
      ),
    );
    expect(url.pathname).toBe("/export/audit.csv");
    expect(url.searchParams.get("actions")).toBe("auth.sign_in,auth.sign_out");
    expect(url.searchParams.get("outcome")).toBe("DENIED");
    expect(url.searchParams.get("from")).toBe("2026-03-01T00:00:00.000Z");
    expect(url.searchParams.has("to")).toBe(false);
    expect(auditCsvUrl({}, "")).toBe("/export/audit.csv");
  });

  it("names the CSV after the period, or today", () => {
    expect(auditCsvFileName({ ...emptyAuditFilter, firstDay: "2026-03-01", lastDay: "2026-03-31" })).toBe(
      "audit-2026-03-01-2026-03-31.csv",
    );
    expect(auditCsvFileName(emptyAuditFilter, new Date(2026, 4, 7))).toBe("audit-2026-05-07.csv");
  });

  it("lists an entry's changes as before and after", () => {
    expect(
      changeRows({ isAdmin: { before: false, after: true }, name: { before: "a", after: null }, note: "x" }),
    ).toEqual([
      { field: "isAdmin", before: "false", after: "true" },
      { field: "name", before: "a", after: "–" },
      { field: "note", before: "–", after: "x" },
    ]);
    expect(changeRows(null)).toEqual([]);
    expect(changeRows([1, 2])).toEqual([]);
  });
});
