import { fireEvent, render, screen } from "@solidjs/testing-library";
import { Client, fetchExchange } from "@urql/core";
import { Provider } from "@urql/solid";
import { afterEach, describe, expect, it, vi } from "vitest";
import { updatePreferences } from "../settings/preferences";
import { forgetTokenInUrl, tokenInUrl } from "./link-token";
import ResetPasswordScreen from "./ResetPasswordScreen";

afterEach(() => {
  updatePreferences({ language: "system" });
  history.replaceState(null, "", "/");
});

/** A server that answers resetPassword with `body`, and remembers what it was sent. */
function serverAnswering(body: unknown) {
  const sent: unknown[] = [];
  const client = new Client({
    url: "http://localhost/graphql",
    exchanges: [fetchExchange],
    fetch: async (_url, init) => {
      sent.push(JSON.parse(String(init?.body)).variables);
      return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
    },
  });
  return { client, sent };
}

function choosePassword(client: Client, onDone = () => {}) {
  render(() => (
    <Provider value={client}>
      <ResetPasswordScreen token="reset-token" onDone={onDone} />
    </Provider>
  ));
  const field = screen.getByLabelText("New password") as HTMLInputElement;
  field.value = "a brand new password";
  fireEvent.click(screen.getByRole("button", { name: "Save the new password" }));
}

describe("choosing a new password with a reset link", () => {
  it("sends the link's token with the new password, then offers to sign in", async () => {
    updatePreferences({ language: "en" });
    const { client, sent } = serverAnswering({ data: { resetPassword: true } });
    const onDone = vi.fn();
    choosePassword(client, onDone);
    expect(await screen.findByRole("status")).toHaveTextContent("Your password was changed.");
    expect(sent).toEqual([{ token: "reset-token", newPassword: "a brand new password" }]);
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(onDone).toHaveBeenCalled();
  });

  it("says in the user's language why a link was refused", async () => {
    updatePreferences({ language: "de" });
    const refusal = {
      data: null,
      errors: [
        {
          message: "This link was used already; ask your admin for a new one",
          extensions: { code: "BAD_USER_INPUT", field: "token", reason: "used" },
        },
      ],
    };
    render(() => (
      <Provider value={serverAnswering(refusal).client}>
        <ResetPasswordScreen token="reset-token" onDone={() => {}} />
      </Provider>
    ));
    (screen.getByLabelText("Neues Passwort") as HTMLInputElement).value = "a brand new password";
    fireEvent.click(screen.getByRole("button", { name: "Neues Passwort speichern" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Dieser Link wurde bereits verwendet.");
  });
});

describe("a token in the address", () => {
  it("is read from the query or the fragment, and taken out once it served", () => {
    history.replaceState(null, "", "/?reset=abc&x=1");
    expect(tokenInUrl("reset")).toBe("abc");
    forgetTokenInUrl("reset");
    expect(`${location.pathname}${location.search}`).toBe("/?x=1");
    history.replaceState(null, "", "/#reset=def&theme=dark");
    expect(tokenInUrl("reset")).toBe("def");
    forgetTokenInUrl("reset");
    expect(location.hash).toBe("#theme=dark");
    expect(tokenInUrl("reset")).toBeNull();
  });
});
