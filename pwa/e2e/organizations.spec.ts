import { expect, type Page, test } from "@playwright/test";
import { ADMIN } from "./admin";
import {
  copyInvitationLink,
  freshPage,
  goTo,
  organizationWithAdmin,
  registerByInvitation,
} from "./organizations";
import { openChatList, screenshot, send, signIn, uniqueName, waitForAnswer } from "./support";

// Organisations (tenants): the platform operator (the e2e server's first account) creates one and invites
// its first admin by link; what the first organisation has stays its own. An organisation's admin invites
// people into it and revokes invitations.

const navigation = (page: Page) => page.getByRole("navigation", { name: "Chats" });

test("a new organisation's first admin joins by link and sees nothing of the first organisation", async ({
  page,
  browser,
}, testInfo) => {
  // Two people, three organisation changes and four screens each: longer than most.
  test.slow();
  const secret = uniqueName("Secret ");
  const organization = uniqueName("Acme ");
  const adminEmail = `${uniqueName("boss")}@acme.example`;

  // The operator's own organisation has a chat, a shared assistant and a shared template.
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText("Default");
  await send(page, `${secret} chat`);
  await waitForAnswer(page);
  await goTo(page, testInfo, "Assistants");
  await page.getByRole("button", { name: "New assistant" }).click();
  let dialog = page.getByRole("dialog", { name: "New assistant" });
  await dialog.getByLabel("Name").fill(`${secret} assistant`);
  await dialog.getByLabel("Instructions (system prompt)").fill("Keep the company's secrets.");
  await dialog.getByLabel("Available to everyone (global)").check();
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { name: `${secret} assistant` })).toBeVisible();
  await goTo(page, testInfo, "Templates");
  await page.getByRole("button", { name: "New template" }).click();
  dialog = page.getByRole("dialog", { name: "New template" });
  await dialog.getByLabel("Name").fill(`${secret} template`);
  await dialog.getByLabel(/^Text/).fill("Our secret recipe for {{dish}}");
  await dialog.getByLabel("Available to everyone (global)").check();
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { name: `${secret} template` })).toBeVisible();

  // A second organisation, its short name suggested from its name, then its first admin invited.
  await goTo(page, testInfo, "Organisations");
  await page.getByRole("button", { name: "New organisation" }).click();
  dialog = page.getByRole("dialog", { name: "New organisation" });
  await dialog.getByLabel("Name", { exact: true }).fill(organization);
  await expect(dialog.getByLabel("Short name")).toHaveValue(organization.toLowerCase().replace(" ", "-"));
  await dialog.getByRole("button", { name: "Create" }).click();
  dialog = page.getByRole("dialog", { name: `Invite an admin to “${organization}”` });
  await dialog.getByLabel("E-mail").fill(adminEmail);
  await dialog.getByRole("button", { name: "Create invitation link" }).click();
  const url = await copyInvitationLink(page);
  await screenshot(page, testInfo, "organization-invitation-link");
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  const item = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: organization }) });
  await expect(item).toContainText("Active");
  await expect(item).toContainText("0 members");
  await expect(page.getByRole("button", { name: `Invite first admin: ${organization}` })).toBeVisible();
  await screenshot(page, testInfo, "organizations");

  // The invited admin registers through the link, in a browser of their own.
  const invitee = await freshPage(browser, testInfo);
  const username = uniqueName("boss");
  await registerByInvitation(invitee, url, { email: adminEmail, organization, admin: true }, username);
  await expect(invitee.getByRole("banner")).toContainText(organization);
  await screenshot(invitee, testInfo, "invited-admin");

  // None of the first organisation's chats, assistants, templates or usage.
  await expect(invitee.getByRole("button", { name: /Secret/ })).toHaveCount(0);
  await openChatList(invitee, testInfo);
  await expect(invitee.getByText("No chats yet.")).toBeVisible();
  await expect(navigation(invitee).getByRole("link", { name: "Invite people" })).toBeVisible();
  await expect(navigation(invitee).getByRole("link", { name: "Organisations" })).toHaveCount(0);
  await navigation(invitee).getByRole("link", { name: "Assistants" }).click();
  await expect(invitee.getByRole("heading", { name: "Summarizer" })).toBeVisible();
  await expect(invitee.getByRole("heading", { name: /Secret/ })).toHaveCount(0);
  await goTo(invitee, testInfo, "Templates");
  await expect(invitee.getByRole("heading", { name: "Summary", exact: true })).toBeVisible();
  await expect(invitee.getByRole("heading", { name: /Secret/ })).toHaveCount(0);
  await goTo(invitee, testInfo, "Settings");
  await expect(invitee.getByText("No usage yet this month.")).toBeVisible();
  const card = invitee.getByRole("region", { name: "Organisation" });
  await expect(card).toContainText(organization);
  await expect(card).toContainText("Admin");
  await expect(card).not.toContainText("Platform operator");
  await openChatList(invitee, testInfo);
  await invitee.getByLabel("Search chats").fill(secret);
  await expect(invitee.getByText("No chat matches.")).toBeVisible();

  // The operator sees the new member; renames the organisation, deactivates it: its people are out.
  await page.reload();
  await expect(item).toContainText("1 member");
  await page.getByRole("button", { name: `Rename: ${organization}` }).click();
  dialog = page.getByRole("dialog", { name: `Rename “${organization}”` });
  await dialog.getByLabel("Name").fill(`${organization} AG`);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: `${organization} AG` })).toBeVisible();
  await page.getByRole("button", { name: `Deactivate: ${organization} AG` }).click();
  dialog = page.getByRole("dialog", { name: "Deactivate" });
  await expect(dialog).toContainText("can no longer sign in");
  await dialog.getByRole("button", { name: "Deactivate" }).click();
  await expect(item).toContainText("Deactivated");
  await invitee.reload();
  await expect(invitee.getByRole("heading", { name: "Sign in" })).toBeVisible();

  // Reactivated, they are back: with the session they had (the API kept it), or by signing in again.
  await page.getByRole("button", { name: `Reactivate: ${organization} AG` }).click();
  await page.getByRole("dialog", { name: "Reactivate" }).getByRole("button", { name: "Reactivate" }).click();
  await expect(item).toContainText("Active");
  await invitee.goto("/");
  const signInForm = invitee.getByLabel("Username or e-mail");
  const app = invitee.getByRole("heading", { name: "How can I help?" });
  await expect(signInForm.or(app)).toBeVisible();
  if (await signInForm.isVisible()) await signIn(invitee, username);
  await expect(invitee.getByRole("banner")).toContainText(`${organization} AG`);
  await invitee.context().close();
});

test("an organisation's admin invites a member and revokes an invitation, whose link then refuses", async ({
  page,
  browser,
  request,
}, testInfo) => {
  const organization = uniqueName("Beta ");
  const admin = uniqueName("admin");
  await organizationWithAdmin(request, { organization, slug: uniqueName("beta-"), admin });
  const memberEmail = `${uniqueName("member")}@beta.example`;
  const otherEmail = `${uniqueName("other")}@beta.example`;

  await signIn(page, admin);
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText(organization);
  await goTo(page, testInfo, "Invite people");
  await expect(page.getByText(`The people you invite join ${organization}`)).toBeVisible();
  await page.getByLabel("E-mail").fill(memberEmail);
  await expect(page.getByLabel("Role")).toHaveValue("MEMBER");
  await page.getByRole("button", { name: "Create invitation link" }).click();
  const memberUrl = await copyInvitationLink(page);
  await page.getByRole("button", { name: "Invite someone else" }).click();
  await page.getByLabel("E-mail").fill(otherEmail);
  await page.getByLabel("Role").selectOption("ADMIN");
  await page.getByRole("button", { name: "Create invitation link" }).click();
  const otherUrl = await copyInvitationLink(page);
  expect(otherUrl).not.toBe(memberUrl);

  const invitations = page.getByRole("region", { name: "Invitations" });
  const row = (email: string) => invitations.getByRole("listitem").filter({ hasText: email });
  await expect(row(memberEmail)).toContainText("Valid");
  await expect(row(memberEmail)).toContainText("Member");
  await expect(row(otherEmail)).toContainText("Admin");
  await invitations.getByRole("button", { name: `Revoke: ${otherEmail}` }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke invitation" });
  await expect(confirm).toContainText(otherEmail);
  await confirm.getByRole("button", { name: "Revoke" }).click();
  await expect(row(otherEmail)).toContainText("Revoked");
  await expect(invitations.getByRole("button", { name: `Revoke: ${otherEmail}` })).toHaveCount(0);
  await screenshot(page, testInfo, "invitations");

  // The revoked link refuses, plainly.
  const refused = await freshPage(browser, testInfo);
  await refused.goto(otherUrl);
  await expect(refused.getByRole("alert")).toHaveText(
    "This invitation was withdrawn. Ask whoever invited you for a new one.",
  );
  await expect(refused.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(refused.getByText(/You are invited/)).toHaveCount(0);
  await screenshot(refused, testInfo, "invitation-revoked");
  await refused.context().close();

  // Opened while signed in, the link says what it is for instead of being ignored.
  const signedIn = await freshPage(browser, testInfo);
  await signIn(signedIn, admin);
  await expect(signedIn.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  await signedIn.goto(memberUrl);
  const notice = signedIn.getByRole("status").filter({ hasText: "You opened an invitation link" });
  await expect(notice).toContainText(`signed in as ${admin}`);
  await notice.getByRole("button", { name: "Stay signed in" }).click();
  await expect(notice).toHaveCount(0);
  expect(new URL(signedIn.url()).hash).toBe("");
  await signedIn.goto("/settings");
  await signedIn.goto(memberUrl);
  await notice.getByRole("button", { name: "Sign out and accept" }).click();
  await expect(signedIn.getByText(`You are invited to join ${organization}.`, { exact: true })).toBeVisible();
  await expect(signedIn.getByRole("heading", { name: "Create an account" })).toBeVisible();
  await signedIn.context().close();

  // The member joins the admin's organisation as a member.
  const member = await freshPage(browser, testInfo);
  await registerByInvitation(
    member,
    memberUrl,
    { email: memberEmail, organization, admin: false },
    uniqueName("member"),
  );
  await openChatList(member, testInfo);
  await expect(navigation(member).getByRole("link", { name: "Invite people" })).toHaveCount(0);
  await member.goto("/invitations");
  await expect(member.getByRole("alert")).toHaveText("Only admins of your organisation invite people.");
  await member.goto("/settings");
  const card = member.getByRole("region", { name: "Organisation" });
  await expect(card).toContainText(organization);
  await expect(card).toContainText("Member");
  await member.context().close();

  // Used once, the link is spent.
  await page.reload();
  await expect(row(memberEmail)).toContainText("Used");
  const again = await freshPage(browser, testInfo);
  await again.goto(memberUrl);
  await expect(again.getByRole("alert")).toHaveText(
    "This invitation has already been used. Sign in instead, or ask for a new one.",
  );
  await again.context().close();
});
