import { expect, type Page, test } from "@playwright/test";
import { ADMIN } from "./admin";
import {
  adminSections,
  expectNoSidewaysScroll,
  joinOrganization,
  modelRow,
  openAdministration,
  personRow,
  pickerOption,
  reloadWithFreshModels,
  switchSection,
} from "./administration";
import { freshPage, organizationWithAdmin } from "./organizations";
import { fakeOpenAi } from "./stack-info";
import {
  expectAccessible,
  openChatList,
  PASSWORD,
  register,
  screenshot,
  signIn,
  uniqueName,
} from "./support";

// The administration of an organisation, by its admins: people, groups, models, providers, settings.
// The first organisation (the e2e server's first account is its admin) is shared with the other specs, so
// what changes every member's models (providers, model access, defaults) happens in an organisation of
// its own.

const NEW_PASSWORD = "chosen through the reset link";
const newChat = (page: Page) => page.getByRole("heading", { name: "How can I help?" });

async function signInAndWait(page: Page, username: string, password = PASSWORD): Promise<void> {
  await signIn(page, username, password);
  await expect(newChat(page)).toBeVisible();
}

/**
 * The sign-in screen after the app's reload that follows the end of a session (it says why only then):
 * going on before that reload would race it.
 */
async function expectSessionEnded(page: Page): Promise<void> {
  await expect(page.getByText("Your session has ended. Please sign in again.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
}

async function searchPeople(page: Page, text: string): Promise<void> {
  await page.getByLabel("Search by name or e-mail").fill(text);
}

test("members see no administration; the screen tells them it is for admins", async ({ page }, testInfo) => {
  await register(page);
  await openChatList(page, testInfo);
  await expect(
    page.getByRole("navigation", { name: "Chats" }).getByRole("link", { name: "Administration" }),
  ).toHaveCount(0);
  await page.goto("/admin/people");
  await expect(page.getByRole("alert")).toHaveText("Only admins of your organisation administer it.");
  await expect(adminSections(page)).toHaveCount(0);
});

test("an admin manages a person: admin rights, deactivation that signs them out, a reset link, deletion", async ({
  page,
  browser,
}, testInfo) => {
  test.slow();
  // A member, signed in on a device of their own.
  const member = await freshPage(browser, testInfo);
  const username = await register(member);

  await signInAndWait(page, ADMIN.username, ADMIN.password);
  await openAdministration(page, testInfo);
  await searchPeople(page, username);
  const row = personRow(page, username);
  await expect(row).toContainText(`${username}@example.com`);
  await expect(row).toContainText("No groups");
  await expect(row).toContainText("this month: 0 requests");
  await expectAccessible(page, "administration: people");
  await expectNoSidewaysScroll(page);
  await screenshot(page, testInfo, "admin-people");

  // Their own card offers nothing that would lock the admin out.
  await searchPeople(page, ADMIN.username);
  const own = personRow(page, ADMIN.username);
  await expect(own).toContainText("You");
  await expect(own.getByRole("button", { name: /^(Remove admin rights|Deactivate|Delete):/ })).toHaveCount(0);

  // Admin rights, given and taken back, each after saying what they mean.
  await searchPeople(page, username);
  await row.getByRole("button", { name: `Make admin: ${username}` }).click();
  let dialog = page.getByRole("dialog", { name: "Make admin" });
  await expect(dialog).toContainText(`Make ${username} an admin?`);
  await dialog.getByRole("button", { name: "Make admin" }).click();
  await expect(row.getByText("Admin", { exact: true })).toBeVisible();
  await row.getByRole("button", { name: `Remove admin rights: ${username}` }).click();
  dialog = page.getByRole("dialog", { name: "Remove admin rights" });
  await expect(dialog).toContainText("can no longer administer the organisation");
  await dialog.getByRole("button", { name: "Remove admin rights" }).click();
  await expect(row.getByText("Admin", { exact: true })).toHaveCount(0);
  await expect(row.getByRole("button", { name: `Make admin: ${username}` })).toBeVisible();

  // Deactivated: their device is signed out at its next request, and they cannot sign in again.
  await row.getByRole("button", { name: `Deactivate: ${username}` }).click();
  dialog = page.getByRole("dialog", { name: "Deactivate" });
  await expect(dialog).toContainText("This signs them out everywhere");
  await dialog.getByRole("button", { name: "Deactivate" }).click();
  await expect(row).toContainText("Deactivated");
  // (Its next request, whichever it is: on a phone even opening the chat list asks for the chats.)
  await member.goto("/settings");
  await expectSessionEnded(member);
  await signIn(member, username);
  await expect(member.getByRole("alert")).toHaveText(
    "This account is deactivated. Ask an administrator of your organisation.",
  );
  // Deactivated people are left out of the list unless asked for.
  await page.reload();
  await searchPeople(page, username);
  await expect(page.getByText("Nobody matches.")).toBeVisible();
  await page.getByLabel("Show deactivated people").check();
  await expect(row).toContainText("Deactivated");
  await row.getByRole("button", { name: `Reactivate: ${username}` }).click();
  await expect(row.getByText("Deactivated", { exact: true })).toHaveCount(0);

  // A reset link, shown this once to be copied; the person chooses a new password with it.
  await row.getByRole("button", { name: `Password reset link: ${username}` }).click();
  dialog = page.getByRole("dialog", { name: "Password reset link" });
  await expect(dialog).toContainText(`Send this link to ${username} (${username}@example.com).`);
  await expect(dialog.getByText("The link is shown only once: copy it now.")).toBeVisible();
  const linkField = dialog.getByRole("textbox", { name: "Password reset link" });
  await expect(linkField).toBeFocused();
  await dialog.getByRole("button", { name: "Copy" }).click();
  await expect(dialog.getByRole("button", { name: "Copied" })).toBeVisible();
  const resetUrl = await linkField.inputValue();
  expect(resetUrl).toMatch(/[?#]reset=[\w%-]+/);
  await expectAccessible(page, "administration: reset link");
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("textbox", { name: "Password reset link" })).toHaveCount(0);
  await member.goto(resetUrl);
  await expect(member.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await member.getByLabel("New password").fill(NEW_PASSWORD);
  await member.getByRole("button", { name: "Save the new password" }).click();
  await expect(member.getByRole("status").filter({ hasText: "Your password was changed." })).toBeVisible();
  await member.getByRole("button", { name: "Sign in" }).click();
  await signInAndWait(member, username, NEW_PASSWORD);
  expect(new URL(member.url()).search).not.toContain("reset=");

  // Deleted: asked first, with what it does; the list no longer has them, their device is signed out.
  await row.getByRole("button", { name: `Delete: ${username}` }).click();
  dialog = page.getByRole("dialog", { name: "Delete" });
  await expect(dialog).toContainText("signs them out everywhere and revokes their API keys");
  await expect(dialog).toContainText("Their usage stays in the reports.");
  const erase = dialog.getByRole("checkbox", {
    name: "Also erase their chats, assistants and templates and anonymise name and e-mail",
  });
  await expect(erase).not.toBeChecked();
  await erase.check();
  await screenshot(page, testInfo, "admin-delete-person");
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(row).toHaveCount(0);
  await member.reload();
  await expectSessionEnded(member);
  await member.context().close();
});

test("an admin creates a group, adds and removes a member, renames it and deletes it", async ({
  page,
  browser,
}, testInfo) => {
  const person = await freshPage(browser, testInfo);
  const username = await register(person);
  await person.context().close();
  const group = uniqueName("Research ");

  await signInAndWait(page, ADMIN.username, ADMIN.password);
  await openAdministration(page, testInfo);
  // The sections work with the keyboard: a link, then Enter.
  await adminSections(page).getByRole("link", { name: "Groups", exact: true }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Groups", level: 2 })).toBeVisible();

  await page.getByRole("button", { name: "New group" }).click();
  let dialog = page.getByRole("dialog", { name: "New group" });
  await dialog.getByLabel("Name").fill(group);
  await dialog.getByLabel("Description").fill("People who may use the research models");
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(dialog).toBeHidden();
  const card = page
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: group, exact: true }) });
  await expect(card).toContainText("People who may use the research models");

  // A second group of the same name is refused, in words.
  await page.getByRole("button", { name: "New group" }).click();
  await dialog.getByLabel("Name").fill(group);
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(dialog.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByLabel("Name")).toHaveAccessibleDescription(/\S/);
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // Members: found by name, added, then removed after asking.
  await card.getByRole("button", { name: `Members (0): ${group}` }).click();
  await expect(card).toContainText("No members yet.");
  await card.getByLabel("Add people").fill(username);
  await card.getByRole("button", { name: `Add ${username} to ${group}` }).click();
  await expect(card.getByRole("button", { name: `Members (1): ${group}` })).toBeVisible();
  await expect(card.getByRole("button", { name: `Remove ${username} from ${group}` })).toBeVisible();
  await expectAccessible(page, "administration: groups");
  await expectNoSidewaysScroll(page);
  await screenshot(page, testInfo, "admin-groups");
  await switchSection(page, "People");
  await searchPeople(page, username);
  await expect(personRow(page, username)).toContainText(`Groups: ${group}`);
  await switchSection(page, "Groups");
  await card.getByRole("button", { name: `Members (1): ${group}` }).click();
  await card.getByRole("button", { name: `Remove ${username} from ${group}` }).click();
  dialog = page.getByRole("dialog", { name: "Remove from group" });
  await expect(dialog).toContainText(`Remove ${username} from “${group}”?`);
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(card.getByRole("button", { name: `Members (0): ${group}` })).toBeVisible();

  // Renamed, then deleted after saying what happens to its members.
  await card.getByRole("button", { name: `Edit: ${group}` }).click();
  dialog = page.getByRole("dialog", { name: `Edit “${group}”` });
  await dialog.getByLabel("Name").fill(`${group} EU`);
  await dialog.getByRole("button", { name: "Save" }).click();
  const renamed = page
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: `${group} EU`, exact: true }) });
  await expect(renamed).toBeVisible();
  await renamed.getByRole("button", { name: `Delete: ${group} EU` }).click();
  dialog = page.getByRole("dialog", { name: "Delete group" });
  await expect(dialog).toContainText("lose the models that only this group may use");
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(renamed).toHaveCount(0);
});

test("an admin sets a provider's key, tests it and removes it again", async ({ page, request }, testInfo) => {
  const admin = uniqueName("admin");
  await organizationWithAdmin(request, {
    organization: uniqueName("Keys "),
    slug: uniqueName("keys-"),
    admin,
  });
  const openai = fakeOpenAi();

  await signInAndWait(page, admin);
  await openAdministration(page, testInfo, "Providers");
  const card = page.getByRole("region", { name: "OpenAI", exact: true });
  await expect(card).toContainText("Server environment");

  await card.getByRole("button", { name: "Set key: OpenAI" }).click();
  const keyField = card.getByLabel("API key", { exact: true });
  await expect(keyField).toHaveAttribute("type", "password");
  await expect(keyField).toHaveValue("");
  await keyField.fill(openai.apiKey);
  await card.getByLabel("Base URL").fill(openai.baseUrl);
  await card.getByRole("button", { name: "Save" }).click();
  await expect(card.getByRole("status")).toHaveText("Saved. Test it to see that it works.");
  await expect(card).toContainText("Database (set here)");
  await expect(card).toContainText(`…${openai.apiKey.slice(-4)}`);
  await expect(card).toContainText(openai.baseUrl);
  await expect(card).not.toContainText(openai.apiKey);

  await card.getByRole("button", { name: "Test: OpenAI" }).click();
  await expect(card.getByRole("status")).toContainText(/^It works: answered in \d+ ms/);
  await expect(card).toContainText("Worked on");
  await expectAccessible(page, "administration: providers");
  await expectNoSidewaysScroll(page);
  await screenshot(page, testInfo, "admin-providers");

  // The key is never filled in again; left empty, the stored one stays.
  await card.getByRole("button", { name: "Set key: OpenAI" }).click();
  await expect(card.getByLabel("API key (optional)", { exact: true })).toHaveValue("");
  await expect(card.getByLabel("Base URL")).toHaveValue(openai.baseUrl);
  await card.getByRole("button", { name: "Cancel" }).click();

  await card.getByRole("button", { name: "Remove key: OpenAI" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove the key for OpenAI" });
  await expect(dialog).toContainText(
    "Members can no longer use this provider's models unless the environment provides a key.",
  );
  await dialog.getByRole("button", { name: "Remove key" }).click();
  await expect(card.getByRole("status")).toHaveText("Key removed.");
  await expect(card).toContainText("Server environment");
  await expect(card.getByRole("button", { name: "Remove key: OpenAI" })).toHaveCount(0);
});

test("a switched-off model, and one given to a group, leave the model picker of those who may not use it", async ({
  page,
  browser,
  request,
}, testInfo) => {
  test.slow();
  const admin = uniqueName("admin");
  await organizationWithAdmin(request, {
    organization: uniqueName("Models "),
    slug: uniqueName("models-"),
    admin,
  });
  const outsider = uniqueName("outsider");
  const insider = uniqueName("insider");
  await joinOrganization(request, admin, outsider);
  await joinOrganization(request, admin, insider);
  const modelId = "openai/gpt-4o-mini";
  const group = uniqueName("Pilot ");

  await signInAndWait(page, admin);
  await openAdministration(page, testInfo, "Models");
  await page.getByLabel("Filter models by name").fill("gpt-4o mini");
  const model = modelRow(page, modelId);
  const enabled = model.getByRole("switch");
  await expect(enabled).toBeVisible();
  if ((await enabled.getAttribute("aria-checked")) !== "true") await enabled.click();
  await expect(enabled).toHaveAttribute("aria-checked", "true");
  await expectAccessible(page, "administration: models");
  await expectNoSidewaysScroll(page);

  // Everyone may use it at first.
  const outsiderPage = await freshPage(browser, testInfo);
  await signInAndWait(outsiderPage, outsider);
  await expect(pickerOption(outsiderPage, modelId)).toHaveCount(1);

  // Switched off, it is gone from their picker.
  await enabled.click();
  await expect(enabled).toHaveAttribute("aria-checked", "false");
  await expect(model.getByText("Off", { exact: true })).toBeVisible();
  await reloadWithFreshModels(outsiderPage);
  await expect(pickerOption(outsiderPage, modelId)).toHaveCount(0);

  // Switched on again, for one group only: its member has it, the others do not.
  await enabled.click();
  await expect(enabled).toHaveAttribute("aria-checked", "true");
  await switchSection(page, "Groups");
  await page.getByRole("button", { name: "New group" }).click();
  const dialog = page.getByRole("dialog", { name: "New group" });
  await dialog.getByLabel("Name").fill(group);
  await dialog.getByRole("button", { name: "Create" }).click();
  const card = page
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: group, exact: true }) });
  await card.getByRole("button", { name: `Members (0): ${group}` }).click();
  await card.getByLabel("Add people").fill(insider);
  await card.getByRole("button", { name: `Add ${insider} to ${group}` }).click();
  await expect(card.getByRole("button", { name: `Members (1): ${group}` })).toBeVisible();

  await switchSection(page, "Models");
  await page.getByLabel("Filter models by name").fill("gpt-4o mini");
  await model.getByRole("button", { name: /^Details: / }).click();
  const access = model.getByRole("group", { name: "Who may use it" });
  await expect(access).toContainText("No group ticked: everyone in the organisation.");
  await access.getByRole("checkbox", { name: group }).check();
  await expect(model).toContainText(`Only for ${group}`);
  await screenshot(page, testInfo, "admin-models");

  await reloadWithFreshModels(outsiderPage);
  await expect(pickerOption(outsiderPage, modelId)).toHaveCount(0);
  const insiderPage = await freshPage(browser, testInfo);
  await signInAndWait(insiderPage, insider);
  await expect(pickerOption(insiderPage, modelId)).toHaveCount(1);

  // A new price applies from now on; cached input costs what input costs unless told otherwise.
  await model.getByLabel("Input", { exact: true }).fill("0,2");
  await model.getByLabel("Cached input").fill("");
  await model.getByLabel("Output", { exact: true }).fill("0.8");
  await model.getByRole("button", { name: "Save price" }).click();
  await expect(model.getByRole("status")).toHaveText("Price saved. It applies from now on.");
  await expect(model).toContainText("$0.20 in · $0.20 cached · $0.80 out per 1M tokens");
  await expect(model.getByText(/^Price history \(\d+\)$/)).toBeVisible();

  await outsiderPage.context().close();
  await insiderPage.context().close();
});

test("an admin sets the organisation's default model and temperature, opens registration and keeps the audit log longer", async ({
  page,
  request,
}, testInfo) => {
  const admin = uniqueName("admin");
  await organizationWithAdmin(request, {
    organization: uniqueName("Defaults "),
    slug: uniqueName("defaults-"),
    admin,
  });

  await signInAndWait(page, admin);
  await openAdministration(page, testInfo, "Models");
  await page.getByLabel("Filter models by name").fill("gpt-4o mini");
  const enabled = modelRow(page, "openai/gpt-4o-mini").getByRole("switch");
  if ((await enabled.getAttribute("aria-checked")) !== "true") await enabled.click();
  await expect(enabled).toHaveAttribute("aria-checked", "true");

  await switchSection(page, "Settings");
  const defaultModel = page.getByLabel("Default model");
  await expect(defaultModel.locator('option[value="openai/gpt-4o-mini"]')).toHaveCount(1);
  await defaultModel.selectOption("openai/gpt-4o-mini");
  await page.getByLabel("Default temperature").fill("0.3");
  await page.getByLabel(/^Open registration/).check();
  // The server's retention (AUDIT_RETENTION_DAYS, 400 by default) is named; the organisation's own wins.
  const retention = page.getByLabel("Keep the audit log for (days)");
  await expect(retention).toHaveValue("");
  await expect(page.getByText("Empty: the server's 400 days.")).toBeVisible();
  await retention.fill("730");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
  await expectAccessible(page, "administration: settings");
  await expectNoSidewaysScroll(page);
  await screenshot(page, testInfo, "admin-settings");

  await page.reload();
  await expect(page.getByRole("heading", { name: "Organisation settings", level: 2 })).toBeVisible();
  await expect(page.getByLabel("Default model")).toHaveValue("openai/gpt-4o-mini");
  await expect(page.getByLabel("Default temperature")).toHaveValue("0.3");
  await expect(page.getByLabel(/^Open registration/)).toBeChecked();
  await expect(page.getByLabel("Keep the audit log for (days)")).toHaveValue("730");

  // Back to the server's defaults: empty.
  await page.getByLabel("Default model").selectOption("");
  await page.getByLabel("Default temperature").fill("");
  await page.getByLabel("Keep the audit log for (days)").fill("");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Default model")).toHaveValue("");
  await expect(page.getByLabel("Default temperature")).toHaveValue("");
  await expect(page.getByLabel("Keep the audit log for (days)")).toHaveValue("");
});
