import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { ADMIN } from "./admin";
import {
  assistantMessages,
  expectAccessible,
  lastAnswer,
  openChatList,
  register,
  screenshot,
  send,
  signIn,
  uniqueName,
  waitForAnswer,
} from "./support";

// Assistants and templates: manage them, start a chat with an assistant, fill a template into it.

async function goTo(page: Page, testInfo: TestInfo, link: "Assistants" | "Templates"): Promise<void> {
  await openChatList(page, testInfo);
  await page.getByRole("navigation", { name: "Chats" }).getByRole("link", { name: link }).click();
  await expect(page.getByRole("heading", { name: link, level: 1 })).toBeVisible();
}

test("an assistant and a template start a chat", async ({ page }, testInfo) => {
  const assistantName = uniqueName("Pirate ");
  const templateName = uniqueName("Summary ");
  await register(page);

  await goTo(page, testInfo, "Assistants");
  await page.getByRole("button", { name: "New assistant" }).click();
  const assistantDialog = page.getByRole("dialog", { name: "New assistant" });
  await assistantDialog.getByLabel("Name").fill(assistantName);
  await assistantDialog.getByLabel("Icon").fill("🏴‍☠️");
  await assistantDialog.getByLabel("Description").fill("Answers like a pirate");
  await assistantDialog.getByLabel("Instructions (system prompt)").fill("Talk like a pirate.");
  await screenshot(page, testInfo, "assistant-form");
  await assistantDialog.getByRole("button", { name: "Create" }).click();
  await expect(assistantDialog).toBeHidden();
  await expect(page.getByRole("heading", { name: assistantName })).toBeVisible();
  await screenshot(page, testInfo, "assistants");

  await goTo(page, testInfo, "Templates");
  await page.getByRole("button", { name: "New template" }).click();
  const templateDialog = page.getByRole("dialog", { name: "New template" });
  await templateDialog.getByLabel("Name").fill(templateName);
  await templateDialog.getByLabel(/^Text/).fill("Summarise {{topic}} in a {{tone:formal|casual}} tone.");
  await templateDialog.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { name: templateName })).toBeVisible();
  await screenshot(page, testInfo, "templates");

  await openChatList(page, testInfo);
  await page.getByRole("link", { name: "New chat" }).click();
  await page.getByRole("button", { name: assistantName }).click();
  await expect(page.getByRole("button", { name: assistantName })).toHaveAttribute("aria-pressed", "true");

  await page.getByRole("button", { name: "Insert a template" }).click();
  await page.getByRole("dialog").getByRole("button", { name: templateName }).click();
  const fill = page.getByRole("dialog", { name: `Fill in “${templateName}”` });
  await fill.getByLabel("topic").fill("GraphQL");
  await fill.getByLabel("tone").selectOption("casual");
  await screenshot(page, testInfo, "template-fill");
  await fill.getByRole("button", { name: "Insert" }).click();
  await expect(page.getByLabel("Message", { exact: true })).toHaveValue(
    "Summarise GraphQL in a casual tone.",
  );

  await page.getByLabel("Message", { exact: true }).press("Enter");
  await expect(page).toHaveURL(/\/chats\//);
  await waitForAnswer(page);
  await expect(lastAnswer(page)).toContainText("Summarise GraphQL in a casual tone");
  await expect(page.getByText(`Assistant: 🏴‍☠️ ${assistantName}`)).toBeVisible();
});

test("a chat whose assistant is no longer shared says so and goes on with its own settings", async ({
  page,
  browser,
}, testInfo) => {
  const name = uniqueName("Shared ");
  // The admin shares an assistant with everyone (on a screen of its own, at the desktop size).
  const adminContext = await browser.newContext({ baseURL: testInfo.project.use.baseURL, locale: "en-US" });
  const admin = await adminContext.newPage();
  await signIn(admin, ADMIN.username, ADMIN.password);
  await expect(admin.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  await admin.goto("/assistants");
  await admin.getByRole("button", { name: "New assistant" }).click();
  let dialog = admin.getByRole("dialog", { name: "New assistant" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Instructions (system prompt)").fill("Answer in riddles.");
  await dialog.getByLabel("Available to everyone (global)").check();
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(admin.getByRole("heading", { name })).toBeVisible();

  await register(page);
  await page.getByRole("button", { name }).click();
  await send(page, "A question for the shared assistant");
  await waitForAnswer(page);
  await expect(page.getByText(`Assistant: 🤖 ${name}`)).toBeVisible();
  await expect(page.getByText("is no longer available to you")).toHaveCount(0);

  // The admin makes it personal again: the user may no longer use it.
  await admin.getByRole("button", { name: `Edit: ${name}` }).click();
  dialog = admin.getByRole("dialog", { name: `Edit: ${name}` });
  await dialog.getByLabel("Available to everyone (global)").uncheck();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await adminContext.close();

  await page.reload();
  const notice = page.getByRole("status").filter({ hasText: "no longer available" });
  await expect(notice).toHaveText(
    "The assistant this chat was started with is no longer available to you; answers use the chat's own settings.",
  );
  await expect(page.getByText(`Assistant: 🤖 ${name}`)).toHaveCount(0);
  await expectAccessible(page, "chat whose assistant is gone");
  await screenshot(page, testInfo, "assistant-unavailable");
  // The chat goes on.
  await send(page, "And another one");
  await expect(assistantMessages(page)).toHaveCount(2);
  await waitForAnswer(page);
  await expect(lastAnswer(page)).toContainText("And another one");
  await expect(notice).toBeVisible();
});

test("assistants can be renamed and templates deleted", async ({ page }, testInfo) => {
  const name = uniqueName("Helper ");
  await register(page);
  await goTo(page, testInfo, "Assistants");
  await page.getByRole("button", { name: "New assistant" }).click();
  let dialog = page.getByRole("dialog", { name: "New assistant" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Instructions (system prompt)").fill("Be helpful.");
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.getByRole("button", { name: `Edit: ${name}` }).click();
  dialog = page.getByRole("dialog", { name: `Edit: ${name}` });
  await dialog.getByLabel("Name").fill(`${name} renamed`);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: `${name} renamed` })).toBeVisible();

  await goTo(page, testInfo, "Templates");
  await page.getByRole("button", { name: "New template" }).click();
  dialog = page.getByRole("dialog", { name: "New template" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel(/^Text/).fill("Plain text");
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.getByRole("button", { name: `Delete: ${name}` }).click();
  await page.getByRole("dialog", { name: "Delete" }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("heading", { name })).toHaveCount(0);
});

test("the chat list lists every chat and searches them", async ({ page }, testInfo) => {
  await register(page);
  await send(page, "First chat");
  await waitForAnswer(page);
  await openChatList(page, testInfo);
  await page.getByRole("link", { name: "New chat" }).click();
  await send(page, "Second chat");
  await waitForAnswer(page);
  await openChatList(page, testInfo);
  const links = page.getByRole("navigation", { name: "Chats" }).getByRole("list").getByRole("link");
  await expect(links).toHaveCount(2);
  await page.getByLabel("Search chats").fill("First");
  await expect(links).toHaveCount(1);
  await links.first().click();
  await expect(page.getByText("First chat", { exact: true })).toBeVisible();
});
