import { CombinedError } from "@urql/core";
import { GraphQLError } from "graphql";
import { afterEach, describe, expect, it } from "vitest";
import { updatePreferences } from "../settings/preferences";
import { describeError } from "./errors";

const refused = (extensions: Record<string, unknown>) =>
  new CombinedError({ graphQLErrors: [new GraphQLError("refused", { extensions })] });

afterEach(() => updatePreferences({ language: "system" }));

describe("describeError", () => {
  it("says why a sign-in is refused when it is not the password: a deactivated account or organisation", () => {
    updatePreferences({ language: "en" });
    expect(describeError(refused({ code: "UNAUTHENTICATED" }))).toBe("Wrong username, e-mail or password.");
    expect(describeError(refused({ code: "UNAUTHENTICATED", reason: "ORGANIZATION_INACTIVE" }))).toMatch(
      /organisation is deactivated/,
    );
    expect(describeError(refused({ code: "UNAUTHENTICATED", reason: "ACCOUNT_INACTIVE" }))).toMatch(
      /account is deactivated/,
    );
    // A reason the app does not know yet: the general sentence.
    expect(describeError(refused({ code: "UNAUTHENTICATED", reason: "SOMETHING_NEW" }))).toBe(
      "Wrong username, e-mail or password.",
    );
    updatePreferences({ language: "de" });
    expect(describeError(refused({ code: "UNAUTHENTICATED", reason: "ORGANIZATION_INACTIVE" }))).toMatch(
      /Organisation ist .* deaktiviert/,
    );
  });
});
