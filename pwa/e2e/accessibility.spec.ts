import { expect, type Page, test } from "@playwright/test";
import { ADMIN } from "./admin";
import { copyInvitationLink, freshPage, goTo } from "./organizations";
import {
  expectAccessible,
  isPhone,
  lastAnswer,
  openChatList,
  register,
  screenshot,
  send,
  signIn,
  uniqueName,
  waitForAnswer,
  waitForServiceWorker,
} from "./support";

// axe-core (WCAG 2.1 A/AA) on every screen, in the light and the dark theme: nothing serious or critical.

async function setTheme(page: Page, theme: "light" | "dark"): Promise<void> {
  await page.evaluate((value) => {
    localStorage.setItem("xqt5.preferences", JSON.stringify({ theme: value, language: "system" }));
  }, theme);
}

for (const theme of ["light", "dark"] as const) {
  test(`every screen passes axe in the ${theme} theme`, async ({ page, context }, testInfo) => {
    await page.goto("/");
    await setTheme(page, theme);
    await page.reload();
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expectAccessible(page, "sign in");
    await screenshot(page, testInfo, `${theme}-sign-in`);
    await page.getByRole("button", { name: "No account yet? Create one" }).click();
    await expectAccessible(page, "register");

    await register(page);
    await expectAccessible(page, "new chat");
    await screenshot(page, testInfo, `${theme}-new-chat`);

    await send(page, "Explain `const answer = 42` please");
    await waitForAnswer(page);
    await expect(lastAnswer(page).locator("code")).toContainText("const answer = 42");
    await expectAccessible(page, "chat");
    await screenshot(page, testInfo, `${theme}-chat`);

    await openChatList(page, testInfo);
    await expectAccessible(page, "chat list");
    if (isPhone(testInfo)) await screenshot(page, testInfo, `${theme}-drawer`);
    await page
      .getByRole("button", { name: /^Actions for/ })
      .first()
      .click();
    await page.getByRole("button", { name: "Delete" }).first().click();
    await expect(page.getByRole("dialog", { name: "Delete" })).toBeVisible();
    await expectAccessible(page, "delete dialog");
    await page.getByRole("dialog", { name: "Delete" }).getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("link", { name: "Settings" }).click();
    await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
    await expect(page.locator("dl.usage-totals")).toContainText("Requests");
    await expectAccessible(page, "settings");
    await screenshot(page, testInfo, `${theme}-settings`);

    await openChatList(page, testInfo);
    await page.getByRole("link", { name: "Assistants" }).click();
    await page.getByRole("button", { name: "New assistant" }).click();
    await expectAccessible(page, "assistant form");
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

    await openChatList(page, testInfo);
    await page.getByRole("link", { name: "Templates" }).click();
    await expect(page.getByRole("heading", { name: "Templates", level: 1 })).toBeVisible();
    await expectAccessible(page, "templates");

    await openChatList(page, testInfo);
    await page.getByRole("link", { name: "New chat" }).click();
    await page.getByRole("button", { name: "Insert a template" }).click();
    await expect(
      page.getByRole("dialog", { name: "Insert a template" }).getByRole("listitem").first(),
    ).toBeVisible();
    await expectAccessible(page, "template picker");
    await page.keyboard.press("Escape");

    await waitForServiceWorker(page);
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByText("You are offline.")).toBeVisible();
    await expectAccessible(page, "offline");
    await context.setOffline(false);
  });
}

for (const theme of ["light", "dark"] as const) {
  test(`the organisation screens pass axe in the ${theme} theme`, async ({ page, browser }, testInfo) => {
    const organization = uniqueName("Axe ");
    await page.goto("/");
    await setTheme(page, theme);
    await signIn(page, ADMIN.username, ADMIN.password);
    await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();

    await goTo(page, testInfo, "Organisations");
    await page.getByRole("button", { name: "New organisation" }).click();
    let dialog = page.getByRole("dialog", { name: "New organisation" });
    await dialog.getByLabel("Name", { exact: true }).fill(organization);
    await expectAccessible(page, "new organisation");
    await dialog.getByRole("button", { name: "Create" }).click();
    dialog = page.getByRole("dialog", { name: `Invite an admin to “${organization}”` });
    await dialog.getByLabel("E-mail").fill(`${uniqueName("axe")}@example.com`);
    await dialog.getByRole("button", { name: "Create invitation link" }).click();
    const url = await copyInvitationLink(page);
    await expectAccessible(page, "invitation link");
    await dialog.getByRole("button", { name: "Done" }).click();
    await expectAccessible(page, "organisations");
    await screenshot(page, testInfo, `${theme}-organizations`);
    await page.getByRole("button", { name: `Deactivate: ${organization}` }).click();
    await expectAccessible(page, "deactivate dialog");
    await page.getByRole("dialog", { name: "Deactivate" }).getByRole("button", { name: "Cancel" }).click();

    await goTo(page, testInfo, "Invite people");
    await expect(
      page.getByRole("region", { name: "Invitations" }).getByRole("listitem").first(),
    ).toBeVisible();
    await expectAccessible(page, "invite people");
    await screenshot(page, testInfo, `${theme}-invitations`);

    const invitee = await freshPage(browser, testInfo);
    await invitee.goto("/");
    await setTheme(invitee, theme);
    await invitee.goto(url);
    await expect(invitee.getByText(`You are invited to join ${organization} as an admin.`)).toBeVisible();
    await expectAccessible(invitee, "registration by invitation");
    await screenshot(invitee, testInfo, `${theme}-invited`);
    await invitee.goto("/?invitation=not-a-real-token");
    await expect(invitee.getByRole("alert")).toContainText("This invitation link is not valid.");
    await expectAccessible(invitee, "invalid invitation");
    await invitee.context().close();
  });
}
