// Usernames people can tell apart. A username is kept in NFKC form (a fullwidth ａｌｉｃｅ is alice) and
// may use only the letters of European languages: a–z with their accents (Latin-1 Supplement and Latin
// Extended-A), digits, dot, dash and underscore — no other scripts, so a Cyrillic "аlice" is refused.
// Two usernames that look alike once accents and case are dropped (its key, the "skeleton") cannot
// both exist: "Jürgen" and "jurgen" are one name. The same skeleton is computed in SQL by the
// migration that introduced it (20261201090400_username_keys.sql).

export const USERNAME_RULE =
  "The username may contain letters a–z (also with accents), digits, dot, dash and underscore";

// × (U+00D7) and ÷ (U+00F7) sit inside the Latin-1 letters and are not letters.
const ALLOWED = /^[A-Za-z0-9._\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017F-]+$/;

// Letters that NFKD does not take apart into a base letter and an accent.
const SEPARATE_LETTERS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  ħ: "h",
  ı: "i",
  ĸ: "k",
  ŀ: "l",
  ŋ: "n",
  ŧ: "t",
  þ: "th",
};

/** The form a username is kept in: trimmed, NFKC. */
export function normalizeUsername(username: string): string {
  return username.trim().normalize("NFKC");
}

export function isAllowedUsername(username: string): boolean {
  return ALLOWED.test(username);
}

/** What a username looks like without accents and case: two names with one key are one name. */
export function usernameKey(username: string): string {
  return [...normalizeUsername(username).toLowerCase()]
    .map((letter) => SEPARATE_LETTERS[letter] ?? letter)
    .join("")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "");
}

/** The form an e-mail address is kept and compared in: trimmed, NFKC, lower case. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize("NFKC").toLowerCase();
}
