import { z } from "zod";
import { ConfigError } from "../config/env.js";

// Provider configuration from environment variables. Empty strings count as unset, so an `.env` template
// can list every name. A provider without a key is not an error: its models are listed as unavailable.

export interface CloudProviderSettings {
  apiKey: string | null;
  /** No trailing slash. */
  baseUrl: string;
}

export interface AzureSettings {
  apiKey: string;
  endpoint: string;
  apiVersion: string;
  /** Deployment names, offered as models `azure/<deployment>`. */
  deployments: string[];
}

/** Ollama or another OpenAI-compatible server; both are served as provider "ollama". */
export interface LocalServerSettings {
  /** Which variable configured it, for messages ("administration": a key set by an admin). */
  variable: "OLLAMA_BASE_URL" | "OPENAI_COMPATIBLE_BASE_URL" | "administration";
  /** Server root without `/v1`. */
  baseUrl: string;
  apiKey: string | null;
}

export interface ProviderSettings {
  openai: CloudProviderSettings;
  anthropic: CloudProviderSettings;
  google: CloudProviderSettings;
  mistral: CloudProviderSettings;
  xai: CloudProviderSettings;
  azure: AzureSettings | null;
  ollama: LocalServerSettings | null;
}

/** The variable that holds each cloud provider's key (for "… is not set" messages). */
export const API_KEY_VARIABLES = {
  openai: "OPENAI_API_KEY",
  anthropic: "ANTHROPIC_API_KEY",
  google: "GOOGLE_API_KEY",
  mistral: "MISTRAL_API_KEY",
  xai: "XAI_API_KEY",
  azure: "AZURE_OPENAI_API_KEY",
  ollama: "OLLAMA_BASE_URL",
} as const;

/** Latest GA version of the dated Azure OpenAI data-plane API; it streams usage with include_usage. */
export const DEFAULT_AZURE_API_VERSION = "2024-10-21";

const secret = z.string().trim().min(1, "must not be blank").optional();
const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .transform((url) => url.replace(/\/+$/, ""))
  .optional();
// Local servers are configured without `/v1`; accept it anyway, since OpenAI-compatible docs usually show it.
const serverRoot = httpUrl.transform((url) => url?.replace(/\/v1$/, ""));

const envSchema = z
  .object({
    OPENAI_API_KEY: secret,
    ANTHROPIC_API_KEY: secret,
    GOOGLE_API_KEY: secret,
    MISTRAL_API_KEY: secret,
    XAI_API_KEY: secret,
    OPENAI_BASE_URL: httpUrl.default("https://api.openai.com/v1"),
    ANTHROPIC_BASE_URL: httpUrl.default("https://api.anthropic.com"),
    GOOGLE_BASE_URL: httpUrl.default("https://generativelanguage.googleapis.com"),
    MISTRAL_BASE_URL: httpUrl.default("https://api.mistral.ai"),
    XAI_BASE_URL: httpUrl.default("https://api.x.ai/v1"),
    AZURE_OPENAI_API_KEY: secret,
    AZURE_OPENAI_ENDPOINT: httpUrl,
    AZURE_OPENAI_API_VERSION: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, "must look like 2024-10-21 or 2025-04-01-preview")
      .default(DEFAULT_AZURE_API_VERSION),
    AZURE_OPENAI_DEPLOYMENTS: z
      .string()
      .optional()
      .transform((value) => [
        ...new Set(
          (value ?? "")
            .split(",")
            .map((name) => name.trim())
            .filter(Boolean),
        ),
      ]),
    OLLAMA_BASE_URL: serverRoot,
    OPENAI_COMPATIBLE_BASE_URL: serverRoot,
    OPENAI_COMPATIBLE_API_KEY: secret,
  })
  .superRefine((env, issues) => {
    const azureVariables = {
      AZURE_OPENAI_API_KEY: env.AZURE_OPENAI_API_KEY,
      AZURE_OPENAI_ENDPOINT: env.AZURE_OPENAI_ENDPOINT,
      AZURE_OPENAI_DEPLOYMENTS: env.AZURE_OPENAI_DEPLOYMENTS.length > 0 ? "set" : undefined,
    };
    const setAzure = Object.entries(azureVariables).filter(([, value]) => value !== undefined);
    if (setAzure.length > 0 && setAzure.length < 3) {
      for (const [name, value] of Object.entries(azureVariables)) {
        if (value === undefined) {
          const others = setAzure.map(([other]) => other).join(" and ");
          issues.addIssue({ code: "custom", path: [name], message: `is required when ${others} is set` });
        }
      }
    }
    if (env.OLLAMA_BASE_URL && env.OPENAI_COMPATIBLE_BASE_URL) {
      issues.addIssue({
        code: "custom",
        path: ["OPENAI_COMPATIBLE_BASE_URL"],
        message:
          "set either OLLAMA_BASE_URL or OPENAI_COMPATIBLE_BASE_URL, not both (both serve the local provider)",
      });
    }
    if (env.OPENAI_COMPATIBLE_API_KEY && !env.OPENAI_COMPATIBLE_BASE_URL) {
      issues.addIssue({
        code: "custom",
        path: ["OPENAI_COMPATIBLE_BASE_URL"],
        message: "is required when OPENAI_COMPATIBLE_API_KEY is set",
      });
    }
  });

/** Validates the provider variables; throws ConfigError naming every wrong variable. */
export function readProviderSettings(env: Record<string, string | undefined>): ProviderSettings {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid provider configuration:\n${lines.join("\n")}`);
  }
  const values = result.data;
  const cloud = (apiKey: string | undefined, baseUrl: string): CloudProviderSettings => ({
    apiKey: apiKey ?? null,
    baseUrl,
  });
  return {
    openai: cloud(values.OPENAI_API_KEY, values.OPENAI_BASE_URL),
    anthropic: cloud(values.ANTHROPIC_API_KEY, values.ANTHROPIC_BASE_URL),
    google: cloud(values.GOOGLE_API_KEY, values.GOOGLE_BASE_URL),
    mistral: cloud(values.MISTRAL_API_KEY, values.MISTRAL_BASE_URL),
    xai: cloud(values.XAI_API_KEY, values.XAI_BASE_URL),
    azure:
      values.AZURE_OPENAI_API_KEY && values.AZURE_OPENAI_ENDPOINT
        ? {
            apiKey: values.AZURE_OPENAI_API_KEY,
            endpoint: values.AZURE_OPENAI_ENDPOINT,
            apiVersion: values.AZURE_OPENAI_API_VERSION,
            deployments: values.AZURE_OPENAI_DEPLOYMENTS,
          }
        : null,
    ollama: localServer(values),
  };
}

function localServer(values: z.infer<typeof envSchema>): LocalServerSettings | null {
  if (values.OLLAMA_BASE_URL) {
    return { variable: "OLLAMA_BASE_URL", baseUrl: values.OLLAMA_BASE_URL, apiKey: null };
  }
  if (values.OPENAI_COMPATIBLE_BASE_URL) {
    return {
      variable: "OPENAI_COMPATIBLE_BASE_URL",
      baseUrl: values.OPENAI_COMPATIBLE_BASE_URL,
      apiKey: values.OPENAI_COMPATIBLE_API_KEY ?? null,
    };
  }
  return null;
}
