import { type APIRequestContext, expect, type Locator, type Page, type TestInfo } from "@playwright/test";
import { goTo, graphql } from "./organizations";
import { PASSWORD } from "./support";

// The administration (/admin): helpers for admin-area.spec.ts.

export type AdminSection = "People" | "Groups" | "Models" | "Providers" | "Settings";

const headings: Record<AdminSection, string> = {
  People: "People",
  Groups: "Groups",
  Models: "Models",
  Providers: "Providers",
  Settings: "Organisation settings",
};

export const adminSections = (page: Page) =>
  page.getByRole("navigation", { name: "Sections of the administration" });

/** Administration from the sidebar (it opens on People), then the section asked for. */
export async function openAdministration(page: Page, testInfo: TestInfo, section: AdminSection = "People") {
  await goTo(page, testInfo, "Administration");
  await expect(page.getByRole("heading", { name: "People", level: 2 })).toBeVisible();
  if (section !== "People") await switchSection(page, section);
}

export async function switchSection(page: Page, section: AdminSection): Promise<void> {
  await adminSections(page).getByRole("link", { name: section, exact: true }).click();
  await expect(page.getByRole("heading", { name: headings[section], level: 2 })).toBeVisible();
  await expect(adminSections(page).getByRole("link", { name: section, exact: true })).toHaveAttribute(
    "aria-current",
    "page",
  );
}

/** A person's card on the People screen. */
export const personRow = (page: Page, username: string): Locator =>
  page
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: username, exact: true, level: 3 }) });

/** A model's row on the Models screen, by its id ("openai/gpt-4o-mini"). */
export const modelRow = (page: Page, modelId: string): Locator =>
  page
    .locator("li.model-item")
    .filter({ has: page.locator("code", { hasText: new RegExp(`^${modelId}$`) }) });

/** Nothing on the screen is wider than it (a 360 px phone scrolls up and down only). */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => {
    const screen = document.querySelector(".page");
    return screen ? screen.scrollWidth - screen.clientWidth : 0;
  });
  expect(overflow, "the screen scrolls sideways").toBeLessThanOrEqual(1);
}

/** The new chat's model picker: whether it offers the model. */
export const pickerOption = (page: Page, modelId: string): Locator =>
  page.getByLabel("Model", { exact: true }).locator(`option[value="${modelId}"]`);

/** Reloads and waits until the model list came from the server (not only from the device's cache). */
export async function reloadWithFreshModels(page: Page): Promise<void> {
  // urql asks by GET (the operation's name in the address) unless the query is too long for one.
  const answered = page.waitForResponse((response) => {
    const url = new URL(response.url());
    if (url.pathname !== "/graphql") return false;
    if (url.searchParams.get("operationName") === "Models") return true;
    try {
      return response.request().postDataJSON()?.operationName === "Models";
    } catch {
      return false;
    }
  });
  await page.reload();
  await answered;
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();
}

/** Someone joins the organisation of `admin` as a member (invited by them, through the API). */
export async function joinOrganization(
  request: APIRequestContext,
  admin: string,
  username: string,
): Promise<void> {
  const { login } = await graphql<{ login: { accessToken: string } }>(
    request,
    "mutation ($input: LoginInput!) { login(input: $input) { accessToken } }",
    { input: { login: admin, password: PASSWORD } },
  );
  const email = `${username}@example.com`;
  const { createInvitation } = await graphql<{ createInvitation: { token: string } }>(
    request,
    "mutation ($input: CreateInvitationInput!) { createInvitation(input: $input) { token } }",
    { input: { email, role: "MEMBER" } },
    login.accessToken,
  );
  await graphql(request, "mutation ($input: RegisterInput!) { register(input: $input) { user { id } } }", {
    input: { username, email, password: PASSWORD, invitationToken: createInvitation.token },
  });
}
