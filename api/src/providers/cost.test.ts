import { describe, expect, it } from "vitest";
import { FREE, findCatalogueModel, MODEL_CATALOGUE, type ModelPrices, parseModelId } from "./catalogue.js";
import { costUsd } from "./cost.js";
import { cheapModelFor } from "./title-model.js";

function pricesOf(id: string): ModelPrices {
  const model = findCatalogueModel(id);
  if (!model) throw new Error(`${id} is not in the catalogue`);
  return model.prices;
}

// Worked examples (reference §8.2) on normalised usage; each comment shows the sum in micro-dollars.
describe("costUsd", () => {
  it("openai gpt-5.1: cached input at 0.125, reasoning inside the output at 10", () => {
    // (10,000 − 4,000)·1.25 + 4,000·0.125 + 2,000·10 = 7,500 + 500 + 20,000 = 28,000 µ$
    const usage = {
      promptTokens: 10_000,
      cachedTokens: 4_000,
      completionTokens: 2_000,
      reasoningTokens: 1_500,
    };
    expect(costUsd(pricesOf("openai/gpt-5.1"), usage)).toBeCloseTo(0.028, 12);
  });

  it("anthropic claude-sonnet-4-5: cache reads at 0.30", () => {
    // native: input_tokens 1,000 + cache_read 9,000; output 500 (thinking 100)
    // 1,000·3 + 9,000·0.3 + 500·15 = 3,000 + 2,700 + 7,500 = 13,200 µ$
    const usage = { promptTokens: 10_000, cachedTokens: 9_000, completionTokens: 500, reasoningTokens: 100 };
    expect(costUsd(pricesOf("anthropic/claude-sonnet-4-5"), usage)).toBeCloseTo(0.0132, 12);
  });

  it("google gemini-2.5-flash: cached content and thoughts (reference §4.3 cached example)", () => {
    // promptTokenCount 17,713 incl. 17,379 cached; candidates 68 + thoughts 821 = 889
    // 334·0.3 + 17,379·0.03 + 889·2.5 = 100.2 + 521.37 + 2,222.5 = 2,844.07 µ$
    const usage = { promptTokens: 17_713, cachedTokens: 17_379, completionTokens: 889, reasoningTokens: 821 };
    expect(costUsd(pricesOf("google/gemini-2.5-flash"), usage)).toBeCloseTo(0.00284407, 12);
  });

  it("mistral-large-latest: prompt cache hit (reference §5.2 numbers)", () => {
    // (268 − 224)·0.5 + 224·0.05 + 36·1.5 = 22 + 11.2 + 54 = 87.2 µ$
    const usage = { promptTokens: 268, cachedTokens: 224, completionTokens: 36, reasoningTokens: 0 };
    expect(costUsd(pricesOf("mistral/mistral-large-latest"), usage)).toBeCloseTo(0.0000872, 12);
  });

  it("xai grok-4: reasoning billed as output (reference §6.2 numbers)", () => {
    // normalised from completion_tokens 1 + reasoning_tokens 290 = 291
    // 1·1.25 + 11·0.2 + 291·2.5 = 1.25 + 2.2 + 727.5 = 730.95 µ$
    const usage = { promptTokens: 12, cachedTokens: 11, completionTokens: 291, reasoningTokens: 290 };
    expect(costUsd(pricesOf("xai/grok-4"), usage)).toBeCloseTo(0.00073095, 12);
  });

  it("matches xAI's own cost_in_usd_ticks for the recorded grok-3-mini call", () => {
    // grok-3-mini list prices 0.30 / 0.075 cached / 0.50; xAI reported 1,466,250 ticks of 1e-10 USD.
    const grok3Mini = { inputPerMTok: 0.3, cachedInputPerMTok: 0.075, outputPerMTok: 0.5 };
    const usage = { promptTokens: 12, cachedTokens: 11, completionTokens: 291, reasoningTokens: 290 };
    expect(Math.round(costUsd(grok3Mini, usage) * 1e10)).toBe(1_466_250);
  });

  it("local and unpriced models cost nothing", () => {
    const usage = { promptTokens: 5_000, cachedTokens: 0, completionTokens: 5_000, reasoningTokens: 0 };
    expect(costUsd(FREE, usage)).toBe(0);
  });

  it("never bills more cached tokens than prompt tokens", () => {
    const usage = { promptTokens: 100, cachedTokens: 500, completionTokens: 0, reasoningTokens: 0 };
    expect(costUsd(pricesOf("openai/gpt-4o"), usage)).toBeCloseTo((100 * 1.25) / 1e6, 12);
  });
});

describe("catalogue", () => {
  it("has the required models with the reference's prices", () => {
    const expectations: [string, number, number, number][] = [
      ["openai/gpt-5.1", 1.25, 0.125, 10],
      ["openai/gpt-5-nano", 0.05, 0.005, 0.4],
      ["openai/gpt-4.1-nano", 0.1, 0.025, 0.4],
      ["anthropic/claude-sonnet-4-5", 3, 0.3, 15],
      ["anthropic/claude-haiku-4-5", 1, 0.1, 5],
      ["google/gemini-2.5-flash", 0.3, 0.03, 2.5],
      ["google/gemini-2.5-flash-lite", 0.1, 0.01, 0.4],
      ["mistral/mistral-large-latest", 0.5, 0.05, 1.5],
      ["mistral/ministral-3b-2512", 0.1, 0.01, 0.1],
      ["xai/grok-4", 1.25, 0.2, 2.5],
    ];
    for (const [id, inputPerMTok, cachedInputPerMTok, outputPerMTok] of expectations) {
      expect(pricesOf(id), id).toEqual({ inputPerMTok, cachedInputPerMTok, outputPerMTok });
    }
  });

  it("marks reasoning models as not taking temperature", () => {
    expect(findCatalogueModel("openai/gpt-5.1")?.supportsTemperature).toBe(false);
    expect(findCatalogueModel("openai/o3")?.supportsTemperature).toBe(false);
    expect(findCatalogueModel("openai/gpt-4.1")?.supportsTemperature).toBe(true);
    expect(findCatalogueModel("anthropic/claude-opus-4-8")?.supportsTemperature).toBe(false);
    expect(findCatalogueModel("anthropic/claude-sonnet-4-5")?.supportsTemperature).toBe(true);
  });

  it("has unique ids that match provider and provider model", () => {
    const ids = MODEL_CATALOGUE.map((model) => model.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const model of MODEL_CATALOGUE) {
      expect(model.id).toBe(`${model.provider}/${model.providerModel}`);
      expect(model.contextWindow).toBeGreaterThan(0);
      expect(model.prices.cachedInputPerMTok).toBeLessThanOrEqual(model.prices.inputPerMTok);
    }
  });

  it("parses model ids at the first slash", () => {
    expect(parseModelId("openai/gpt-5.1")).toEqual({ provider: "openai", providerModel: "gpt-5.1" });
    expect(parseModelId("ollama/hf.co/org/model:Q4")).toEqual({
      provider: "ollama",
      providerModel: "hf.co/org/model:Q4",
    });
    expect(parseModelId("gpt-5.1")).toBeNull();
    expect(parseModelId("openai/")).toBeNull();
    expect(parseModelId("cohere/command")).toBeNull();
  });

  it("names a cheap title model per cloud provider (reference §8.3)", () => {
    expect(cheapModelFor("openai")?.id).toBe("openai/gpt-4.1-nano");
    expect(cheapModelFor("anthropic")?.id).toBe("anthropic/claude-haiku-4-5");
    expect(cheapModelFor("google")?.id).toBe("google/gemini-2.5-flash-lite");
    expect(cheapModelFor("mistral")?.id).toBe("mistral/ministral-3b-2512");
    expect(cheapModelFor("xai")?.id).toBe("xai/grok-4.20-0309-non-reasoning");
    expect(cheapModelFor("azure")).toBeNull();
    expect(cheapModelFor("ollama")).toBeNull();
  });
});
