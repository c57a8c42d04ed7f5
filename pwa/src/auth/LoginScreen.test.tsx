import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
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

const json = (answer: unknown) =>
  new Response(JSON.stringify(answer), { headers: { "content-type": "application/json" } });

const preview = (status: string) => ({
  __typename: "InvitationPreview",
  email: "new@acme.example",
  role: "MEMBER",
  organizationName: "Acme",
  status,
});

/**
 * A server that answers the invitation previews one after the other (the last one again and again),
 * and refuses every registration: the invitation has been used meanwhile.
 */
function invitationClient(...previews: unknown[]) {
  const registrations: Record<string, unknown>[] = [];
  const client = new Client({
    url: "http://localhost/graphql",
    exchanges: [fetchExchange],
    fetch: async (url, init) => {
      // Queries come as GET, mutations as POST.
      if (!init?.body) {
        expect(new URL(String(url)).searchParams.get("variables")).toContain("the-token");
        return json({ data: { invitationPreview: previews.length > 1 ? previews.shift() : previews[0] } });
      }
      registrations.push(JSON.parse(String(init.body)).variables.input);
      return json({
        data: null,
        errors: [
          {
            message: "This invitation has already been used",
            extensions: { code: "BAD_USER_INPUT", field: "invitationToken" },
          },
        ],
      });
    },
  });
  return { client, registrations };
}

function openInvitation(client: Client, address = "/#invitation=the-token") {
  history.replaceState(null, "", address);
  render(() => (
    <Provider value={client}>
      <LoginScreen />
    </Provider>
  ));
}

describe("opening an invitation link", () => {
  afterEach(() => history.replaceState(null, "", "/"));

  it("registers into the organisation that invites, with the invited e-mail address", async () => {
    updatePreferences({ language: "en" });
    const { client, registrations } = invitationClient(preview("VALID"), preview("USED"));
    openInvitation(client);
    expect(await screen.findByText("You are invited to join Acme.")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Create an account" })).toBeInTheDocument();
    const email = screen.getByLabelText("E-mail") as HTMLInputElement;
    expect(email.value).toBe("new@acme.example");
    expect(email.readOnly).toBe(true);

    (screen.getByLabelText("Username") as HTMLInputElement).value = "newbie";
    (screen.getByLabelText("Password") as HTMLInputElement).value = "a long password";
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    await screen.findByText("This invitation has already been used");
    expect(registrations[0]).toMatchObject({ email: "new@acme.example", invitationToken: "the-token" });
    // Checked again: the notice gives way to why, and what was typed stays.
    expect(
      await screen.findByText(
        "This invitation has already been used. Sign in instead, or ask for a new one.",
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/You are invited/)).toBeNull();
    expect((screen.getByLabelText("Username") as HTMLInputElement).value).toBe("newbie");
    expect(location.hash).toBe("#invitation=the-token");
  });

  for (const [status, sentence] of [
    ["USED", "This invitation has already been used. Sign in instead, or ask for a new one."],
    ["EXPIRED", "This invitation has expired. Ask whoever invited you for a new one."],
    ["REVOKED", "This invitation was withdrawn. Ask whoever invited you for a new one."],
  ] as const) {
    it(`says plainly that a ${status.toLowerCase()} link cannot be used, and offers to sign in`, async () => {
      updatePreferences({ language: "en" });
      const { client } = invitationClient(preview(status));
      openInvitation(client);
      expect(await screen.findByRole("alert")).toHaveTextContent(sentence);
      expect(screen.getByRole("heading", { name: "Sign in" })).toBeInTheDocument();
      expect(screen.queryByText(/You are invited/)).toBeNull();
    });
  }

  it("still reads a link of the earlier form, with the token in the query", async () => {
    updatePreferences({ language: "en" });
    const { client, registrations } = invitationClient(preview("VALID"));
    openInvitation(client, "/?invitation=the-token");
    expect(await screen.findByText("You are invited to join Acme.")).toBeInTheDocument();
    (screen.getByLabelText("Username") as HTMLInputElement).value = "oldlink";
    (screen.getByLabelText("Password") as HTMLInputElement).value = "a long password";
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    await waitFor(() => expect(registrations[0]).toMatchObject({ invitationToken: "the-token" }));
  });

  it("says that an unknown link is not valid, in German too", async () => {
    updatePreferences({ language: "de" });
    openInvitation(invitationClient(null).client);
    expect(await screen.findByRole("alert")).toHaveTextContent("Dieser Einladungslink ist ungültig.");
  });
});
