import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/env.js";
import { DEFAULT_AZURE_API_VERSION, readProviderSettings } from "./settings.js";

function configError(env: Record<string, string>): string {
  try {
    readProviderSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("readProviderSettings", () => {
  it("has SDK default base URLs and no keys for an empty environment", () => {
    expect(readProviderSettings({})).toEqual({
      openai: { apiKey: null, baseUrl: "https://api.openai.com/v1" },
      anthropic: { apiKey: null, baseUrl: "https://api.anthropic.com" },
      google: { apiKey: null, baseUrl: "https://generativelanguage.googleapis.com" },
      mistral: { apiKey: null, baseUrl: "https://api.mistral.ai" },
      xai: { apiKey: null, baseUrl: "https://api.x.ai/v1" },
      azure: null,
      ollama: null,
    });
  });

  it("treats empty strings as unset and strips trailing slashes", () => {
    const settings = readProviderSettings({
      OPENAI_API_KEY: "",
      OPENAI_BASE_URL: "",
      ANTHROPIC_API_KEY: "sk-ant-test",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:4010/anthropic//",
      OLLAMA_BASE_URL: "http://localhost:11434/v1/",
      AZURE_OPENAI_API_VERSION: "",
    });
    expect(settings.openai).toEqual({ apiKey: null, baseUrl: "https://api.openai.com/v1" });
    expect(settings.anthropic).toEqual({ apiKey: "sk-ant-test", baseUrl: "http://127.0.0.1:4010/anthropic" });
    expect(settings.ollama).toEqual({
      variable: "OLLAMA_BASE_URL",
      baseUrl: "http://localhost:11434",
      apiKey: null,
    });
  });

  it("names invalid URLs", () => {
    const message = configError({ OPENAI_BASE_URL: "not a url", XAI_BASE_URL: "ftp://x.ai" });
    expect(message).toContain("OPENAI_BASE_URL: must be an http(s) URL");
    expect(message).toContain("XAI_BASE_URL: must be an http(s) URL");
  });

  it("reads a complete Azure configuration", () => {
    const settings = readProviderSettings({
      AZURE_OPENAI_API_KEY: "azure-key",
      AZURE_OPENAI_ENDPOINT: "https://example.openai.azure.com/",
      AZURE_OPENAI_DEPLOYMENTS: " gpt-4o-mini, team-gpt5 ,,gpt-4o-mini",
    });
    expect(settings.azure).toEqual({
      apiKey: "azure-key",
      endpoint: "https://example.openai.azure.com",
      apiVersion: DEFAULT_AZURE_API_VERSION,
      deployments: ["gpt-4o-mini", "team-gpt5"],
    });
  });

  it("names the missing Azure variables", () => {
    const message = configError({ AZURE_OPENAI_API_KEY: "azure-key" });
    expect(message).toContain("AZURE_OPENAI_ENDPOINT: is required when AZURE_OPENAI_API_KEY is set");
    expect(message).toContain("AZURE_OPENAI_DEPLOYMENTS: is required when AZURE_OPENAI_API_KEY is set");
    expect(configError({ AZURE_OPENAI_API_VERSION: "latest" })).toContain("AZURE_OPENAI_API_VERSION");
  });

  it("configures an OpenAI-compatible server with an optional key", () => {
    const settings = readProviderSettings({
      OPENAI_COMPATIBLE_BASE_URL: "http://localhost:1234/v1",
      OPENAI_COMPATIBLE_API_KEY: "lm-studio",
    });
    expect(settings.ollama).toEqual({
      variable: "OPENAI_COMPATIBLE_BASE_URL",
      baseUrl: "http://localhost:1234",
      apiKey: "lm-studio",
    });
    expect(configError({ OPENAI_COMPATIBLE_API_KEY: "x" })).toContain(
      "OPENAI_COMPATIBLE_BASE_URL: is required",
    );
    expect(
      configError({
        OLLAMA_BASE_URL: "http://localhost:11434",
        OPENAI_COMPATIBLE_BASE_URL: "http://localhost:1234",
      }),
    ).toContain("set either OLLAMA_BASE_URL or OPENAI_COMPATIBLE_BASE_URL");
  });

  it("rejects blank keys", () => {
    expect(configError({ MISTRAL_API_KEY: "   " })).toContain("MISTRAL_API_KEY: must not be blank");
  });
});
