import { afterEach, describe, expect, it } from "vitest";
import auditActions from "../../../../api/src/audit/audit-actions.ts?raw";
import { updatePreferences } from "../../settings/preferences";
import { actionLabel, actorLabel, problemLabel, targetLabel } from "./audit-labels";

afterEach(() => updatePreferences({ language: "system" }));

// The API's vocabulary, read from its source: every action it can write has words in both languages.
const actions = [...auditActions.matchAll(/^\s+"([a-z_]+\.[a-z_]+)",$/gm)].map((match) => match[1] ?? "");

describe("audit log labels", () => {
  it("has an English and a German label for every action of the API", () => {
    expect(actions.length).toBeGreaterThan(10);
    for (const language of ["en", "de"] as const) {
      updatePreferences({ language });
      for (const action of actions) expect(actionLabel(action), `${language}: ${action}`).not.toBe(action);
    }
    updatePreferences({ language: "de" });
    expect(actionLabel("auth.sign_in")).toBe("Anmeldung");
  });

  it("falls back to the dotted name for an action it does not know yet", () => {
    updatePreferences({ language: "en" });
    expect(actionLabel("robot.dance")).toBe("robot.dance");
    expect(actionLabel("auth")).toBe("auth");
    expect(problemLabel("altered")).toBe("the entry was changed after it was written");
    expect(problemLabel("other")).toBe("other");
  });

  it("names actors and targets without a label by their kind", () => {
    updatePreferences({ language: "en" });
    expect(actorLabel({ type: "USER", id: "1", label: "ada" })).toBe("ada");
    expect(actorLabel({ type: "ANONYMOUS" })).toBe("Anonymous");
    expect(targetLabel({ type: "group", id: "g1", label: null })).toBe("group g1");
  });
});
