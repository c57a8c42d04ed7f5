import { render, screen } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { updatePreferences } from "../settings/preferences";
import { describeApiKeyOutcome } from "./api-key-outcome";
import { RevokeApiKeysOption, revokesApiKeys } from "./RevokeApiKeysOption";

afterEach(() => updatePreferences({ language: "system" }));

function renderOption(count: number | undefined): HTMLFormElement {
  render(() => (
    <form>
      <RevokeApiKeysOption id="revoke" count={count} />
    </form>
  ));
  return document.querySelector("form") as HTMLFormElement;
}

describe("revoking the API keys with the access", () => {
  it("is offered checked, with how many keys there are", () => {
    const form = renderOption(2);
    const option = screen.getByRole("checkbox", { name: "Also revoke my API keys" });
    expect(option).toBeChecked();
    expect(option).toHaveAccessibleDescription(
      "You have 2 active API keys; programs that use them stop working.",
    );
    expect(revokesApiKeys(form)).toBe(true);
    (option as HTMLInputElement).click();
    expect(revokesApiKeys(form)).toBe(false);
  });

  for (const count of [0, undefined]) {
    it(`is not offered without keys (${count}), and then revokes whatever appeared meanwhile`, () => {
      const form = renderOption(count);
      expect(screen.queryByRole("checkbox")).toBeNull();
      expect(revokesApiKeys(form)).toBe(true);
    });
  }

  it("says what happened to the keys, in German too", () => {
    expect(describeApiKeyOutcome({ revoked: true, count: 2 })).toBe("2 API keys were revoked.");
    expect(describeApiKeyOutcome({ revoked: true, count: 1 })).toBe("1 API key was revoked.");
    expect(describeApiKeyOutcome({ revoked: true, count: null })).toBe("Your API keys were revoked.");
    expect(describeApiKeyOutcome({ revoked: false, count: 3 })).toBe("Your API keys were kept.");
    expect(describeApiKeyOutcome({ revoked: true, count: 0 })).toBe("");
    updatePreferences({ language: "de" });
    expect(describeApiKeyOutcome({ revoked: true, count: 2 })).toBe("2 API-Schlüssel wurden widerrufen.");
    expect(describeApiKeyOutcome({ revoked: false, count: 2 })).toBe("Ihre API-Schlüssel bleiben gültig.");
  });
});
