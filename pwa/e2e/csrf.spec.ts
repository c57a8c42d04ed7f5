import { type APIRequestContext, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { type OtherOrigin, startOtherOrigin } from "./other-origin";
import { lastAnswer, PASSWORD, register, send, uniqueName, waitForAnswer } from "./support";

// The issue's black-box CSRF probe. The victim is signed in in the app (127.0.0.1); pages of an
// attacker, served by this test on another port, make the victim's browser send GraphQL to the app:
// HTML forms that sign the victim in as the attacker, sign them out or exchange their refresh cookie,
// from another site (localhost) and from the same site on another port (to which the SameSite=Lax
// refresh cookie still goes), and scripts that try the same. None of it may do anything.

const REFRESH_COOKIE = "xqt5_refresh";

const attackPages = new Map<string, string>();
let attacker: OtherOrigin;

test.beforeAll(async () => {
  attacker = await startOtherOrigin((path, response) => {
    const page = attackPages.get(path.split("?")[0] ?? path);
    if (page === undefined) response.writeHead(404).end();
    else response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
  });
});
test.afterAll(() => attacker.close());

const escapeAttribute = (value: string) =>
  value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");

type Enctype = "application/x-www-form-urlencoded" | "text/plain";

/** A page that posts `query` to the app's /graphql at once, as an HTML form can. */
function autoSubmittingForm(app: string, query: string, enctype: Enctype): string {
  // text/plain sends `name=value`: the name opens a JSON object and the value closes it.
  const field =
    enctype === "text/plain"
      ? `<input name="${escapeAttribute(`{"query":${JSON.stringify(query)},"x":"`)}" value="${escapeAttribute('"}')}">`
      : `<input name="query" value="${escapeAttribute(query)}">`;
  return `<!doctype html><html><body>
<form method="POST" action="${app}/graphql" enctype="${enctype}">${field}</form>
<script>document.forms[0].submit()</script>
</body></html>`;
}

/**
 * Opens the attacker's form page in a tab of the victim's browser and waits for the app's answer to
 * the form (a top-level navigation); returns that answer's JSON body (null when it has none).
 */
async function submitFromAttacker(context: BrowserContext, pageUrl: string, html: string) {
  const path = `/${uniqueName("attack")}`;
  attackPages.set(path, html);
  const attackTab = await context.newPage();
  const answer = attackTab.waitForResponse(
    (response) => response.url().endsWith("/graphql") && response.request().method() === "POST",
  );
  await attackTab.goto(`${pageUrl}${path}`);
  const response = await answer;
  const body = await response.json().catch(() => null);
  await attackTab.close();
  return body as { data?: Record<string, unknown> | null } | null;
}

async function refreshCookie(context: BrowserContext, app: string): Promise<string | undefined> {
  const cookies = await context.cookies(`${app}/graphql`);
  return cookies.find((cookie) => cookie.name === REFRESH_COOKIE)?.value;
}

/**
 * Whom the browser's refresh cookie signs in: a new tab of the app has no access token of its own,
 * so it refreshes with the cookie; then it asks the API who it is. null when it is signed out.
 */
async function whoseSessionIsIt(context: BrowserContext): Promise<{ tab: Page; username: string | null }> {
  const tab = await context.newPage();
  const refreshed = tab.waitForResponse(
    (response) =>
      response.url().endsWith("/graphql") && (response.request().postData() ?? "").includes("refreshToken"),
  );
  await tab.goto("/");
  await refreshed;
  // The answer has arrived; the app has taken it once it keeps an access token, or shows the sign-in.
  await expect
    .poll(() =>
      tab
        .evaluate(
          () =>
            sessionStorage.getItem("xqt5.accessToken") !== null ||
            document.querySelector("main.login") !== null,
        )
        .catch(() => false),
    )
    .toBe(true);
  const username = await tab.evaluate(async () => {
    const token = JSON.parse(sessionStorage.getItem("xqt5.accessToken") ?? "null")?.accessToken;
    if (!token) return null;
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ me { username } }" }),
    });
    return ((await response.json()).data?.me?.username as string | undefined) ?? null;
  });
  return { tab, username };
}

async function registerAttacker(request: APIRequestContext): Promise<string> {
  const username = uniqueName("attacker");
  const response = await request.post("/graphql", {
    data: {
      query: "mutation ($input: RegisterInput!) { register(input: $input) { user { id } } }",
      variables: { input: { username, email: `${username}@example.com`, password: PASSWORD } },
    },
  });
  expect((await response.json()).data?.register).toBeTruthy();
  return username;
}

const enctypes: Enctype[] = ["application/x-www-form-urlencoded", "text/plain"];

// Whether the app answered a form is checked softly: what the attack did to the victim's session,
// checked after it, is what counts, and a failure should show that too.

test("a form of another origin cannot sign the victim in as the attacker (login CSRF)", async ({
  page,
  context,
  request,
}, testInfo) => {
  const app = testInfo.project.use.baseURL as string;
  const victim = await register(page);
  const attackerName = await registerAttacker(request);
  const cookieBefore = await refreshCookie(context, app);
  expect(cookieBefore).toBeTruthy();

  const login = `mutation { login(input: { login: ${JSON.stringify(attackerName)}, password: ${JSON.stringify(PASSWORD)} }) { accessToken } }`;
  for (const origin of [attacker.crossSite, attacker.sameSite]) {
    for (const enctype of enctypes) {
      const answer = await submitFromAttacker(context, origin, autoSubmittingForm(app, login, enctype));
      expect.soft(answer?.data ?? null, `login by a ${enctype} form of ${origin}`).toBeNull();
    }
  }
  expect(await refreshCookie(context, app)).toBe(cookieBefore);

  await page.reload();
  await expect(page.locator(".app-user-name")).toHaveText(victim);
  const { tab, username } = await whoseSessionIsIt(context);
  expect(username).toBe(victim);
  await expect(tab.locator(".app-user-name")).toHaveText(victim);
});

test("a form of another origin cannot sign the victim out", async ({ page, context }, testInfo) => {
  const app = testInfo.project.use.baseURL as string;
  const victim = await register(page);
  const cookieBefore = await refreshCookie(context, app);

  // From the same site, the refresh cookie goes with the form: the session itself would end.
  for (const origin of [attacker.crossSite, attacker.sameSite]) {
    for (const enctype of enctypes) {
      const logout = autoSubmittingForm(app, "mutation { logout }", enctype);
      const answer = await submitFromAttacker(context, origin, logout);
      expect.soft(answer?.data ?? null, `logout by a ${enctype} form of ${origin}`).toBeNull();
    }
  }
  expect(await refreshCookie(context, app)).toBe(cookieBefore);

  // Still signed in: a new tab refreshes with the cookie, and chats.
  const { tab, username } = await whoseSessionIsIt(context);
  expect(username).toBe(victim);
  await send(tab, "Still here after the attack");
  await waitForAnswer(tab);
  await expect(lastAnswer(tab)).toContainText("Still here after the attack");
});

test("a page of the same site on another port cannot use the victim's refresh cookie", async ({
  page,
  context,
}, testInfo) => {
  const app = testInfo.project.use.baseURL as string;
  const victim = await register(page);
  const cookieBefore = await refreshCookie(context, app);
  const refresh = "mutation { refreshToken { accessToken refreshToken } }";

  for (const enctype of enctypes) {
    const answer = await submitFromAttacker(
      context,
      attacker.sameSite,
      autoSubmittingForm(app, refresh, enctype),
    );
    expect.soft(answer?.data ?? null, `refreshToken by a ${enctype} form`).toBeNull();
  }

  // A script of that page: a simple request (no preflight) goes out with the cookie, and its answer
  // cannot be read; JSON needs a preflight, which the app does not grant.
  const path = `/${uniqueName("script")}`;
  attackPages.set(path, "<!doctype html><title>attacker</title>");
  const attackTab = await context.newPage();
  await attackTab.goto(`${attacker.sameSite}${path}`);
  const outcomes = await attackTab.evaluate(
    async ({ url, query }) => {
      const attempt = (init: RequestInit) =>
        fetch(url, { method: "POST", credentials: "include", ...init }).then(
          async (response) => `answered ${response.status}: ${await response.text()}`,
          (error: Error) => `failed: ${error.name}`,
        );
      const body = JSON.stringify({ query });
      return {
        simple: await attempt({ mode: "no-cors", headers: { "content-type": "text/plain" }, body }),
        json: await attempt({ headers: { "content-type": "application/json" }, body }),
      };
    },
    { url: `${app}/graphql`, query: refresh },
  );
  // no-cors hides the answer from the script (an opaque response reads as status 0 and no text).
  expect(outcomes.simple).toBe("answered 0: ");
  expect(outcomes.json).toBe("failed: TypeError");
  await attackTab.close();

  // The cookie was not used: not rotated, and the victim's session goes on.
  expect(await refreshCookie(context, app)).toBe(cookieBefore);
  const { tab, username } = await whoseSessionIsIt(context);
  expect(username).toBe(victim);
  await send(tab, "Refreshed by me only");
  await waitForAnswer(tab);
});

test("a script of another site gets nothing with the victim's cookie", async ({
  page,
  context,
}, testInfo) => {
  const app = testInfo.project.use.baseURL as string;
  const victim = await register(page);
  const cookieBefore = await refreshCookie(context, app);

  const path = `/${uniqueName("script")}`;
  attackPages.set(path, "<!doctype html><title>attacker</title>");
  const attackTab = await context.newPage();
  await attackTab.goto(`${attacker.crossSite}${path}`);
  const outcomes = await attackTab.evaluate(async (url) => {
    const attempt = (query: string) =>
      fetch(url, {
        method: "POST",
        credentials: "include",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      }).then(
        async (response) => `answered ${response.status}: ${await response.text()}`,
        (error: Error) => `failed: ${error.name}`,
      );
    return [
      await attempt("mutation { refreshToken { accessToken refreshToken } }"),
      await attempt("{ me { id } }"),
    ];
  }, `${app}/graphql`);
  expect(outcomes).toEqual(["failed: TypeError", "failed: TypeError"]);
  await attackTab.close();

  expect(await refreshCookie(context, app)).toBe(cookieBefore);
  const { username } = await whoseSessionIsIt(context);
  expect(username).toBe(victim);
});
