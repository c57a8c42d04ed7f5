import { readFileSync } from "node:fs";

// What serve.ts wrote about the running stack: the fake provider's variables (base URLs, its API key).

interface StackInfo {
  url: string;
  providerEnv: Record<string, string>;
}

function stackInfo(): StackInfo {
  const file = process.env.E2E_STACK_FILE;
  if (!file) throw new Error("E2E_STACK_FILE is not set (see e2e/playwright.config.ts)");
  return JSON.parse(readFileSync(file, "utf8")) as StackInfo;
}

/** The fake provider's OpenAI endpoint and the one key it accepts, as an admin would enter them. */
export function fakeOpenAi(): { baseUrl: string; apiKey: string } {
  const { providerEnv } = stackInfo();
  const baseUrl = providerEnv.OPENAI_BASE_URL;
  const apiKey = providerEnv.OPENAI_API_KEY;
  if (!baseUrl || !apiKey) throw new Error("the stack file has no OPENAI_BASE_URL / OPENAI_API_KEY");
  return { baseUrl, apiKey };
}
