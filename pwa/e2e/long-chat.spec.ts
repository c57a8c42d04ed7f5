import { expect, test } from "@playwright/test";
import { seedLongChat } from "../scripts/seed-chat";
import { PASSWORD } from "./support";

// A long chat opens at its last message and loads earlier pages on demand (a click, or scrolling up to
// them), keeping the reader's place.

test("a long chat opens at the end and pages backwards", async ({ page, baseURL }) => {
  const seeded = await seedLongChat(baseURL ?? "", 40);
  expect(seeded.password).toBe(PASSWORD);
  await page.goto("/");
  await page.getByLabel("Username or e-mail").fill(seeded.username);
  await page.getByLabel("Password").fill(seeded.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  await page.goto(`/chats/${seeded.chatId}`);

  const answers = page.locator("article.message--assistant");
  await expect(answers.last()).toContainText(seeded.lastText);
  await expect(answers.last()).toBeInViewport();
  const firstPage = await page.locator("article.message").count();
  expect(firstPage).toBeLessThan(80);

  // Scrolling up to the top loads the page before it without a click; the message that was on top stays
  // in view instead of being pushed down by the page put in above it.
  const scroller = page.locator(".messages");
  const topId = await page.locator("article.message").first().getAttribute("data-message-id");
  const topMessage = page.locator(`article[data-message-id="${topId}"]`);
  await scroller.evaluate((element) => element.scrollTo({ top: 0 }));
  await expect.poll(() => page.locator("article.message").count()).toBe(firstPage + 40);
  await expect(topMessage).toBeInViewport();

  // The button does the same for keyboards (focused without scrolling, so that only the key loads): the
  // last page comes in and the message in view does not move by a pixel.
  const loadEarlier = page.getByRole("button", { name: "Load earlier messages" });
  await expect(loadEarlier).toBeEnabled();
  const offsetInView = () =>
    topMessage.evaluate(
      (element) =>
        element.getBoundingClientRect().top -
        (element.closest(".messages") as HTMLElement).getBoundingClientRect().top,
    );
  // A message above the view that grows late (e.g. a code block highlighted) does not move it either.
  const beforeGrowing = await offsetInView();
  await page
    .locator("article.message")
    .first()
    .evaluate((element: HTMLElement) => {
      element.style.minHeight = `${element.getBoundingClientRect().height + 300}px`;
    });
  await expect.poll(offsetInView).toBeCloseTo(beforeGrowing, 0);

  const before = await offsetInView();
  // Its place after each change of the content, read where the browser paints next (an observer made
  // after the app's runs after it): not one frame may show the page pushed down.
  await topMessage.evaluate((element) => {
    const view = element.closest(".messages") as HTMLElement;
    const offsets: number[] = [];
    Object.assign(window, { offsetsSeen: offsets });
    new ResizeObserver(() =>
      offsets.push(element.getBoundingClientRect().top - view.getBoundingClientRect().top),
    ).observe(view.querySelector(".messages-content") as HTMLElement);
  });
  await loadEarlier.evaluate((button: HTMLButtonElement) => button.focus({ preventScroll: true }));
  await page.keyboard.press("Enter");
  await expect(page.locator("article.message")).toHaveCount(80);
  await expect(loadEarlier).toHaveCount(0);
  expect(Math.abs((await offsetInView()) - before)).toBeLessThanOrEqual(1);
  const offsetsSeen = await page.evaluate(() => (window as unknown as { offsetsSeen: number[] }).offsetsSeen);
  expect(offsetsSeen.length).toBeGreaterThan(1);
  expect(Math.max(...offsetsSeen.map((offset) => Math.abs(offset - before)))).toBeLessThanOrEqual(1);
  await expect(page.locator("article.message").first()).toContainText("Bench message number 1");
});
