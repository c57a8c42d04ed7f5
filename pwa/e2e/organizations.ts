import { type APIRequestContext, type Browser, expect, type Page, type TestInfo } from "@playwright/test";
import { ADMIN } from "./admin";
import { openChatList, PASSWORD } from "./support";

// Organisations and invitations: helpers for the specs that need a second organisation.

/** A browser of its own where nobody is signed in, at the size of the test's project. */
export async function freshPage(browser: Browser, testInfo: TestInfo): Promise<Page> {
  const { baseURL, viewport, deviceScaleFactor, isMobile, hasTouch, locale } = testInfo.project.use;
  const context = await browser.newContext({
    baseURL,
    viewport,
    deviceScaleFactor,
    isMobile,
    hasTouch,
    locale,
  });
  return context.newPage();
}

/** One of the pages linked from the sidebar (a drawer on phones). */
export async function goTo(page: Page, testInfo: TestInfo, link: string): Promise<void> {
  await openChatList(page, testInfo);
  await page.getByRole("navigation", { name: "Chats" }).getByRole("link", { name: link }).click();
  await expect(page.getByRole("heading", { name: link, level: 1 })).toBeVisible();
}

/** The link the screen shows once after an invitation was created, after copying it. */
export async function copyInvitationLink(page: Page): Promise<string> {
  await expect(page.getByText("The link is shown only once: copy it now.")).toBeVisible();
  const link = page.getByLabel("Invitation link");
  await expect(link).toBeFocused();
  await page.getByRole("button", { name: "Copy" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  const url = await link.inputValue();
  expect(url).toMatch(/\/#invitation=[\w-]+$/);
  return url;
}

/** Opens an invitation link signed out and registers through it; the app then opens. */
export async function registerByInvitation(
  page: Page,
  url: string,
  expected: { email: string; organization: string; admin: boolean },
  username: string,
): Promise<void> {
  await page.goto(url);
  const invited = `You are invited to join ${expected.organization}${expected.admin ? " as an admin" : ""}.`;
  await expect(page.getByText(invited, { exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Create an account" })).toBeVisible();
  await expect(page.getByLabel("E-mail")).toHaveValue(expected.email);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  expect(new URL(page.url()).hash).toBe("");
}

/** A GraphQL request of the test itself (not the page), optionally as someone (their access token). */
export async function graphql<T>(
  request: APIRequestContext,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<T> {
  const response = await request.post("/graphql", {
    data: { query, variables },
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/**
 * A new organisation with an admin who registered through the operator's invitation, made through the
 * API (the specs that cover these steps in the browser are organizations.spec.ts).
 */
export async function organizationWithAdmin(
  request: APIRequestContext,
  names: { organization: string; slug: string; admin: string },
): Promise<{ email: string }> {
  const { login } = await graphql<{ login: { accessToken: string } }>(
    request,
    "mutation ($input: LoginInput!) { login(input: $input) { accessToken } }",
    { input: { login: ADMIN.username, password: ADMIN.password } },
  );
  const { createOrganization } = await graphql<{ createOrganization: { id: string } }>(
    request,
    "mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }",
    { input: { name: names.organization, slug: names.slug } },
    login.accessToken,
  );
  const email = `${names.admin}@example.com`;
  const { createInvitation } = await graphql<{ createInvitation: { token: string } }>(
    request,
    "mutation ($input: CreateInvitationInput!) { createInvitation(input: $input) { token } }",
    { input: { email, role: "ADMIN", organizationId: createOrganization.id } },
    login.accessToken,
  );
  await graphql(request, "mutation ($input: RegisterInput!) { register(input: $input) { user { id } } }", {
    input: { username: names.admin, email, password: PASSWORD, invitationToken: createInvitation.token },
  });
  return { email };
}
