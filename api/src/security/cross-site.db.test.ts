import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

// What a cross-site or same-site attacker page can make a signed-in browser send: forms (urlencoded,
// multipart, text/plain) and requests from foreign origins. Browsers add Origin and Sec-Fetch-Site;
// these requests carry what such a browser would.

const PWA_ORIGIN = "https://ai-hub.example.com";
let app: TestApp;
let victim: SignedIn;

beforeAll(async () => {
  app = await startTestApp({ CORS_ORIGINS: PWA_ORIGIN });
  victim = await registerUser(app, "victim");
});
afterAll(() => app?.close());

const LOGIN = `mutation { login(input: { login: "attacker", password: "attacker password" }) { accessToken } }`;

function post(body: string, headers: Record<string, string>) {
  return fetch(`${app.url}/graphql`, { method: "POST", headers, body });
}

describe("cross-site requests", () => {
  it("an HTML form (urlencoded, multipart, text/plain) cannot run an operation: 415, nothing set", async () => {
    const forms = [
      { "content-type": "application/x-www-form-urlencoded", body: `query=${encodeURIComponent(LOGIN)}` },
      { "content-type": "text/plain", body: JSON.stringify({ query: LOGIN }) },
      {
        "content-type": "multipart/form-data; boundary=x",
        body: `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${LOGIN}\r\n--x--\r\n`,
      },
    ];
    for (const { body, ...headers } of forms) {
      const response = await post(body, {
        ...headers,
        origin: "https://evil.example",
        "sec-fetch-site": "cross-site",
      });
      expect(response.status, headers["content-type"]).toBe(415);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
  });

  it("a JSON request from a foreign origin is refused; the API's own origin and CORS_ORIGINS are not", async () => {
    const query = JSON.stringify({ query: "{ __typename }" });
    const json = { "content-type": "application/json" };
    expect((await post(query, { ...json, origin: "https://evil.example" })).status).toBe(403);
    expect((await post(query, { ...json, origin: "null" })).status).toBe(403);
    // A same-site page on another port (SameSite=Lax cookies go there too).
    const otherPort = new URL(app.url);
    otherPort.port = String(Number(otherPort.port) + 1);
    expect((await post(query, { ...json, origin: otherPort.origin })).status).toBe(403);
    expect((await post(query, { ...json, origin: new URL(app.url).origin })).status).toBe(200);
    expect((await post(query, { ...json, origin: PWA_ORIGIN })).status).toBe(200);
    // No Origin: not a browser's request (an integrator, curl).
    expect((await post(query, json)).status).toBe(200);
  });

  it("the victim's refresh cookie cannot be used from another origin (refreshToken, logout)", async () => {
    const cookie = `xqt5_refresh=${victim.refreshToken}`;
    const attacker = { "content-type": "application/json", cookie, origin: "http://127.0.0.1:1" };
    for (const query of ["mutation { refreshToken { accessToken } }", "mutation { logout }"]) {
      const response = await post(JSON.stringify({ query }), attacker);
      expect(response.status, query).toBe(403);
      expect(response.headers.get("set-cookie"), query).toBeNull();
    }
    // A browser that names no Origin but says the request is for another site, with the cookie.
    const navigation = await fetch(`${app.url}/graphql?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { cookie, "sec-fetch-site": "same-site" },
    });
    expect(navigation.status).toBe(403);
    // The session goes on for its owner.
    const refreshed = await post(JSON.stringify({ query: "mutation { refreshToken { accessToken } }" }), {
      "content-type": "application/json",
      cookie,
      origin: new URL(app.url).origin,
    });
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as { errors?: unknown }).errors).toBeUndefined();
  });

  it("a CORS preflight of a foreign origin gets no permission", async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});
