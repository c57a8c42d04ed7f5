import { expect, test } from "@playwright/test";
import { assistantMessages, lastAnswer, openChatList, register, send, waitForAnswer } from "./support";

// What the outbox does when the device or the network lets it down.

test("a message the device refuses to store is not lost: the user is told, the text stays", async ({
  page,
}) => {
  // The outbox's database refuses writes while window.refuseOutbox is set (as with a full quota).
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      const refuse = (window as unknown as { refuseOutbox?: boolean }).refuseOutbox;
      if (refuse && this.transaction.db.name === "xqt5-outbox") {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      }
      return put.apply(this, args);
    };
  });
  await register(page);
  await send(page, "Stored fine");
  await waitForAnswer(page);

  await page.evaluate(() => {
    (window as unknown as { refuseOutbox?: boolean }).refuseOutbox = true;
  });
  await send(page, "Typed while the disk is full");
  await expect(page.getByRole("alert")).toContainText("This device refused to store your message");
  const input = page.getByLabel("Message", { exact: true });
  await expect(input).toHaveValue("Typed while the disk is full");
  await expect(page.locator("article.message--user")).toHaveCount(1);

  await page.evaluate(() => {
    (window as unknown as { refuseOutbox?: boolean }).refuseOutbox = false;
  });
  await input.press("Enter");
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expect(page.locator("article.message--user").last()).toContainText("Typed while the disk is full");
  await waitForAnswer(page);
  await expect(assistantMessages(page)).toHaveCount(2);
});

test("a new chat whose creation response was lost is created once, not left behind empty", async ({
  page,
}, testInfo) => {
  await register(page);
  // The server creates the chat, but its response never arrives.
  let lost = false;
  await page.route("**/graphql", async (route) => {
    if (lost || !route.request().postData()?.includes("CreateChat")) return route.fallback();
    lost = true;
    await route.fetch();
    await route.abort("connectionreset");
  });
  await send(page, "My first question");
  await expect(page).toHaveURL(/\/chats\/[0-9a-f-]{36}$/);
  await expect.poll(() => lost).toBe(true);
  // Back (the app resumes): the waiting message goes out.
  await page.evaluate(() => dispatchEvent(new Event("online")));
  await waitForAnswer(page);
  await expect(lastAnswer(page)).toContainText("My first question");

  await page.reload();
  await openChatList(page, testInfo);
  await expect(
    page.getByRole("navigation", { name: "Chats" }).getByRole("list").getByRole("link"),
  ).toHaveCount(1);
  await expect(page.locator("article.message--user .message-body")).toHaveText(["My first question"]);
});
