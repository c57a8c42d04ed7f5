import { fireEvent, render, screen } from "@solidjs/testing-library";
import { Client, fetchExchange } from "@urql/core";
import { Provider } from "@urql/solid";
import { afterEach, describe, expect, it } from "vitest";
import { updatePreferences } from "../settings/preferences";
import { LoginScreen } from "./LoginScreen";

afterEach(() => updatePreferences({ language: "system" }));

/** A server that refuses every sign-in for now, as the API does after too many failed ones. */
function rateLimitedClient(status: number): Client {
  const refusal = {
    data: null,
    errors: [
      {
        message: "Too many attempts. Try again in 42 seconds.",
        extensions: { code: "RATE_LIMITED", retryAfter: 42 },
      },
    ],
  };
  return new Client({
    url: "http://localhost/graphql",
    exchanges: [fetchExchange],
    fetch: async () =>
      new Response(JSON.stringify(refusal), { status, headers: { "content-type": "application/json" } }),
  });
}

function signIn(client: Client, login: string, password: string) {
  render(() => (
    <Provider value={client}>
      <LoginScreen />
    </Provider>
  ));
  const loginField = screen.getByRole("textbox") as HTMLInputElement;
  const passwordField = document.querySelector<HTMLInputElement>("input[type=password]");
  if (!passwordField) throw new Error("no password field");
  loginField.value = login;
  passwordField.value = password;
  fireEvent.click(screen.getByRole("button", { name: /sign in|anmelden/i }));
  return { loginField, passwordField };
}

describe("signing in after too many failed attempts", () => {
  for (const status of [200, 429]) {
    it(`says how long to wait and keeps what was typed (HTTP ${status})`, async () => {
      updatePreferences({ language: "en" });
      const { loginField, passwordField } = signIn(rateLimitedClient(status), "ada", "not my password");
      expect(await screen.findByRole("alert")).toHaveTextContent(
        "Too many attempts. Try again in 42 seconds.",
      );
      expect(loginField.value).toBe("ada");
      expect(passwordField.value).toBe("not my password");
      expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
    });
  }

  it("says so in German too", async () => {
    updatePreferences({ language: "de" });
    signIn(rateLimitedClient(200), "ada", "not my password");
    expect(await screen.findByRole("alert")).toHaveTextContent(/42 Sekunden/);
  });
});
