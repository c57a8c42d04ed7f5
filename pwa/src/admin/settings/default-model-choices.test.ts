import { describe, expect, it } from "vitest";
import { defaultModelChoices } from "./default-model-choices";

const model = (modelId: string, enabled: boolean, sortOrder = 0) => ({
  __typename: "ModelConfig" as const,
  modelId,
  provider: modelId.split("/")[0] ?? "",
  displayName: modelId.split("/")[1] ?? modelId,
  enabled,
  sortOrder,
});
const providers = [
  { __typename: "ProviderConnection" as const, provider: "openai", name: "OpenAI" },
  { __typename: "ProviderConnection" as const, provider: "anthropic", name: "Anthropic" },
];

describe("the choices for the default model", () => {
  it("offers the enabled models under their providers, in the providers' order", () => {
    const models = [
      model("anthropic/claude", true),
      model("openai/gpt-5.1", true, 2),
      model("openai/gpt-4o", true, 1),
      model("openai/o3", false),
    ];
    expect(defaultModelChoices(models, providers, null)).toEqual([
      {
        label: "OpenAI",
        models: [
          { id: "openai/gpt-4o", name: "gpt-4o", enabled: true },
          { id: "openai/gpt-5.1", name: "gpt-5.1", enabled: true },
        ],
      },
      { label: "Anthropic", models: [{ id: "anthropic/claude", name: "claude", enabled: true }] },
    ]);
  });

  it("keeps the current default when it was switched off since", () => {
    const choices = defaultModelChoices(
      [model("openai/o3", false), model("xai/grok", true)],
      providers,
      "openai/o3",
    );
    expect(choices).toEqual([
      { label: "OpenAI", models: [{ id: "openai/o3", name: "o3", enabled: false }] },
      { label: "xai", models: [{ id: "xai/grok", name: "grok", enabled: true }] },
    ]);
  });
});
