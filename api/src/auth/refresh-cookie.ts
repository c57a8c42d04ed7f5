import { parse, serialize } from "cookie";

// Browsers keep the refresh token in an httpOnly cookie, out of reach of scripts (and of XSS).
export const REFRESH_COOKIE = "xqt5_refresh";
// Scoped to the GraphQL endpoints; the refresh mutation is the only reader.
const COOKIE_PATH = "/graphql";

export function refreshCookie(token: string, expiresAt: Date, secure: boolean): string {
  return serialize(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: COOKIE_PATH,
    expires: expiresAt,
  });
}

export function clearedRefreshCookie(secure: boolean): string {
  return serialize(REFRESH_COOKIE, "", {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: COOKIE_PATH,
    maxAge: 0,
  });
}

export function readRefreshCookie(request: Request): string | null {
  const header = request.headers.get("cookie");
  return header ? (parse(header)[REFRESH_COOKIE] ?? null) : null;
}
