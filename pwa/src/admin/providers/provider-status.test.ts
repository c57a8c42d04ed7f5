import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { updatePreferences } from "../../settings/preferences";
import {
  baseUrlRequired,
  describeLastTest,
  keyRequired,
  type ProviderConnection,
  parseDeployments,
} from "./provider-status";

const connection = (patch: Partial<ProviderConnection> = {}): ProviderConnection => ({
  __typename: "ProviderConnection",
  provider: "openai",
  name: "OpenAI",
  configured: true,
  source: "DATABASE",
  keyHint: "abcd",
  baseUrl: null,
  deployments: [],
  lastTestedAt: null,
  lastTestOk: null,
  lastError: null,
  ...patch,
});

describe("a provider's status", () => {
  beforeEach(() => updatePreferences({ language: "en" }));
  afterEach(() => updatePreferences({ language: "system" }));

  it("says whether and when the key was last tested, and why it failed", () => {
    expect(describeLastTest(connection())).toBe("Not tested yet");
    const at = "2026-12-03T09:30:00.000Z";
    expect(describeLastTest(connection({ lastTestedAt: at, lastTestOk: true }))).toMatch(/^Worked on .*2026/);
    expect(
      describeLastTest(connection({ lastTestedAt: at, lastTestOk: false, lastError: "The key was refused" })),
    ).toMatch(/^Failed on .*2026.*: The key was refused$/);
    expect(describeLastTest(connection({ lastTestedAt: at, lastTestOk: false }))).toMatch(
      /^Failed on .*2026/,
    );
  });

  it("asks for a key except for a local server, and for an address only where there is no default", () => {
    expect(keyRequired("openai")).toBe(true);
    expect(keyRequired("ollama")).toBe(false);
    expect(baseUrlRequired("azure")).toBe(true);
    expect(baseUrlRequired("ollama")).toBe(true);
    expect(baseUrlRequired("anthropic")).toBe(false);
  });

  it("reads Azure deployments separated by commas or lines", () => {
    expect(parseDeployments(" gpt-4o-mini, gpt-5.1\ngpt-4o-mini,, ")).toEqual(["gpt-4o-mini", "gpt-5.1"]);
    expect(parseDeployments("")).toEqual([]);
  });
});
