import {
  type APIRequestContext,
  expect,
  type Locator,
  type Page,
  type TestInfo,
  test,
} from "@playwright/test";
import { adminSections, expectNoSidewaysScroll, joinOrganization } from "./administration";
import { freshPage, goTo, organizationWithAdmin } from "./organizations";
import {
  expectAccessible,
  isPhone,
  lastAnswer,
  openChatList,
  screenshot,
  send,
  signIn,
  uniqueName,
  waitForAnswer,
} from "./support";

// Issue 18: budgets. An admin gives a member a hard monthly budget; the member's sends stop at it with
// the text kept and a sentence that says which budget and when it resets; the member, the admin's
// Budgets screen and the notifications show where it stands.
//
// The default model (GPT-5.1, $10 per million output tokens) needs $0.00064 for the smallest answer the
// API admits (64 tokens), so a $0.002 budget admits one answer — which [[fake:long]] makes long enough
// for the API to clamp it to what the budget can buy (about 94 % of it) — and refuses the next send.
const LIMIT = "0.002";

/** An organisation of its own (so the budget is the test's alone) with an admin and a member. */
async function organizationWithMember(request: APIRequestContext) {
  const admin = uniqueName("boss");
  const member = uniqueName("member");
  await organizationWithAdmin(request, {
    organization: uniqueName("Budgets "),
    slug: uniqueName("budgets-"),
    admin,
  });
  await joinOrganization(request, admin, member);
  return { admin, member };
}

async function openBudgets(page: Page, testInfo: TestInfo): Promise<void> {
  await goTo(page, testInfo, "Administration");
  await adminSections(page).getByRole("link", { name: "Budgets", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Budgets", level: 2 })).toBeVisible();
}

const budgetRow = (page: Page, name: string): Locator =>
  page.locator("li.budget-item").filter({ has: page.getByRole("heading", { name, exact: true, level: 4 }) });

const composer = (page: Page) => page.getByLabel("Message", { exact: true });

/** A progress bar's value (spent and reserved, % of the limit). */
async function barValue(bar: Locator): Promise<number> {
  return Number(await bar.getAttribute("aria-valuenow"));
}

async function closeDrawer(page: Page, testInfo: TestInfo): Promise<void> {
  if (isPhone(testInfo)) await page.keyboard.press("Escape");
}

test("a hard monthly budget stops a member's send, keeps the text, and everyone sees where it stands", async ({
  page,
  browser,
  request,
}, testInfo) => {
  test.slow();
  const { admin, member } = await organizationWithMember(request);

  // --- The admin creates the budget (by keyboard where it matters: Enter submits). ---------------
  await signIn(page, admin);
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  await openBudgets(page, testInfo);
  await expect(page.getByText("No budget is at 80 % or more.")).toBeVisible();
  await page.getByRole("button", { name: "New budget" }).click();
  const dialog = page.getByRole("dialog", { name: "New budget" });
  await expect(dialog.getByLabel("Applies to")).toHaveValue("USER");
  await dialog.getByLabel("Person").selectOption({ label: member });
  await expect(dialog.getByLabel("Period")).toHaveValue("MONTH");
  await expect(dialog.getByLabel("Hard: refuse requests once it is reached")).toBeChecked();
  await expect(dialog.getByLabel("Alert thresholds (%)")).toHaveValue("50, 80, 100");

  // Wrong thresholds are caught here; a limit of $0 by the server, each said at its field.
  await dialog.getByLabel("Alert thresholds (%)").fill("50, 120");
  await dialog.getByLabel("Limit (USD)").fill("0");
  await dialog.getByLabel("Limit (USD)").press("Enter");
  await expect(dialog.getByLabel("Alert thresholds (%)")).toHaveAccessibleDescription(
    /Enter whole numbers from 1 to 100/,
  );
  await dialog.getByLabel("Alert thresholds (%)").fill("50, 80, 100");
  await dialog.getByLabel("Limit (USD)").press("Enter");
  await expect(dialog.getByLabel("Limit (USD)")).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByLabel("Limit (USD)")).toHaveAccessibleDescription(/more than \$0/);

  await dialog.getByLabel("Limit (USD)").fill(LIMIT);
  await dialog.getByLabel("Limit (USD)").press("Enter");
  await expect(dialog).toBeHidden();
  const row = budgetRow(page, member);
  const adminBar = row.getByRole("progressbar", { name: `The monthly budget (user ${member})` });
  await expect(adminBar).toHaveAttribute("aria-valuenow", "0");
  await expect(row).toContainText("Monthly");
  await expect(row).toContainText("Hard");
  await expect(row).toContainText(/Resets on \w+ 1, \d{4} at 12:00\sAM/);
  await expectAccessible(page, "budgets");
  await expectNoSidewaysScroll(page);

  // --- The member sees it in the sidebar, chats, and is refused at the next send. ----------------
  const memberPage = await freshPage(browser, testInfo);
  await signIn(memberPage, member);
  await expect(memberPage.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  await openChatList(memberPage, testInfo);
  const widget = memberPage.getByTestId("budget-widget");
  await expect(widget).toContainText("$0.002 of $0.002 left");
  await expect(
    widget.getByRole("progressbar", { name: `Your monthly budget (user ${member})` }),
  ).toBeVisible();
  await closeDrawer(memberPage, testInfo);

  await send(memberPage, "[[fake:long]] Tell me everything about budgets");
  await waitForAnswer(memberPage);
  const refusedText = "Is there room for one more question?";
  await send(memberPage, refusedText);
  const refusal = memberPage.getByRole("alert").filter({ hasText: "is used up" });
  await expect(refusal).toHaveText(
    new RegExp(
      `^Your monthly budget \\(user ${member}\\) of \\$0\\.002 is used up; it resets on \\w+ 1, \\d{4} at 12:00\\sAM\\.$`,
    ),
  );
  // Nothing lost: the text is back in the composer, and no message was left behind.
  await expect(composer(memberPage)).toHaveValue(refusedText);
  await expect(memberPage.locator("article.message--pending")).toHaveCount(0);
  await expect(memberPage.locator("article.message--user")).toHaveCount(1);
  await expectAccessible(memberPage, "chat, send refused by a budget");
  await screenshot(memberPage, testInfo, "budget-refused");

  // Regenerating is refused the same way; the answer stays. (The refusal of the send above is still on
  // screen: wait for the regeneration's own answer, and for the composer to be free again.)
  const regenerated = memberPage.waitForResponse((response) => {
    try {
      return response.request().postDataJSON()?.operationName === "RegenerateMessage";
    } catch {
      return false;
    }
  });
  await lastAnswer(memberPage).getByRole("button", { name: "Regenerate" }).click();
  expect(JSON.stringify(await (await regenerated).json())).toContain("BUDGET_EXCEEDED");
  await expect(refusal).toBeVisible();
  await expect(memberPage.getByRole("button", { name: "Send" })).toBeVisible();
  await expect(lastAnswer(memberPage)).toHaveAttribute("data-status", "COMPLETE");

  // The sidebar warns in words, not by colour alone.
  await openChatList(memberPage, testInfo);
  await expect(widget).toContainText(/Warning: \d+(\.\d)?% of the budget used|Budget used up/);
  expect(await barValue(widget.getByRole("progressbar"))).toBeGreaterThanOrEqual(80);
  await closeDrawer(memberPage, testInfo);

  // --- Written offline, refused when it goes out: held in the outbox with its text. -------------
  await memberPage.context().setOffline(true);
  const queuedText = "Written without a connection";
  await send(memberPage, queuedText);
  const queued = memberPage.locator("article.message--pending").filter({ hasText: queuedText });
  await expect(queued).toHaveAttribute("data-state", "pending");
  await memberPage.context().setOffline(false);
  await expect(queued).toHaveAttribute("data-error", "BUDGET_EXCEEDED");
  await expect(queued).toContainText("Held: a budget is used up. Your monthly budget");
  await expect(queued.getByRole("button", { name: "Try again" })).toBeVisible();
  // Kept across a reload (it is on the device), and not sent again by itself.
  await memberPage.reload();
  await expect(queued).toHaveAttribute("data-error", "BUDGET_EXCEEDED");
  await queued.getByRole("button", { name: "Discard" }).click();
  await expect(queued).toHaveCount(0);

  // --- My usage lists the budget; the notification says the thresholds were reached. ------------
  await goTo(memberPage, testInfo, "My usage");
  const mine = memberPage.getByTestId("my-budgets");
  await expect(mine.getByRole("progressbar", { name: `Your monthly budget (user ${member})` })).toBeVisible();
  await expect(mine).toContainText(/Warning: \d+(\.\d)?% of the budget used|Budget used up/);
  await expectAccessible(memberPage, "my usage with a budget");

  const bell = memberPage.getByRole("button", { name: /^Notifications, \d+ unread$/ });
  await expect(bell).toBeVisible({ timeout: 70_000 });
  await bell.click();
  const notifications = memberPage.getByRole("dialog", { name: "Notifications" });
  await expect(notifications).toContainText(`Your monthly budget (user ${member}) has reached 80%`);
  await expectAccessible(memberPage, "notifications");
  await memberPage.keyboard.press("Escape");
  await expect(memberPage.getByRole("button", { name: "Notifications", exact: true })).toBeVisible();

  await memberPage.context().close();

  // --- The admin sees the member near the limit. ---------------------------------------------------
  await page.reload();
  await expect(page.getByRole("heading", { name: "Budgets", level: 2 })).toBeVisible();
  await expect(page.getByTestId("budgets-near-limit")).toContainText(member);
  expect(await barValue(adminBar)).toBeGreaterThanOrEqual(80);
  await expect(row).toContainText(/Warning: \d+(\.\d)?% of the budget used|Budget used up/);
  await expectAccessible(page, "budgets, near the limit");
  await screenshot(page, testInfo, "budgets");

  // Deleting asks first, and says what it does.
  await row.getByRole("button", { name: `Delete: The monthly budget (user ${member})` }).click();
  const confirm = page.getByRole("dialog", { name: "Delete budget" });
  await expect(confirm).toContainText("Its limit stops applying at once");
  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(row).toHaveCount(0);
});
