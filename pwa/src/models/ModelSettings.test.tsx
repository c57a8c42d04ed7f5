import { fireEvent, render, screen } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import { ModelSettings } from "./ModelSettings";
import type { createModels, Model } from "./models";

const model = (id: string, patch: Partial<Model> = {}): Model => ({
  __typename: "Model",
  id,
  provider: id.split("/")[0] ?? "openai",
  name: id.split("/")[1] ?? id,
  available: true,
  unavailableReason: null,
  supportsTemperature: true,
  isDefault: false,
  ...patch,
});

const catalogue = [
  model("openai/gpt-5.1", { isDefault: true }),
  model("openai/o3", { supportsTemperature: false }),
  model("anthropic/claude", { available: false, unavailableReason: "no API key configured" }),
];

function fakeModels(): ReturnType<typeof createModels> {
  return {
    list: () => catalogue,
    find: (id) => catalogue.find((entry) => entry.id === id),
    defaultModel: () => catalogue[0],
  };
}

function renderSettings(initial: string | null) {
  const onModel = vi.fn();
  const [selected, setSelected] = createSignal(initial);
  render(() => (
    <ModelSettings
      idPrefix="test"
      models={fakeModels()}
      model={selected()}
      temperature={0.7}
      onModel={(id) => {
        onModel(id);
        setSelected(id);
      }}
      onTemperature={() => {}}
    />
  ));
  return { onModel };
}

describe("model settings", () => {
  it("greys out unavailable models and says why", () => {
    renderSettings(null);
    const option = screen.getByRole("option", { name: /claude/ }) as HTMLOptionElement;
    expect(option.disabled).toBe(true);
    expect(option.textContent).toContain("no API key configured");
    expect((screen.getByRole("option", { name: "gpt-5.1" }) as HTMLOptionElement).disabled).toBe(false);
  });

  it("starts on the server's default model", () => {
    renderSettings(null);
    expect((screen.getByLabelText("Model") as HTMLSelectElement).value).toBe("openai/gpt-5.1");
  });

  it("hides the temperature for models that reject it", () => {
    const { onModel } = renderSettings("openai/gpt-5.1");
    expect(screen.getByLabelText("Temperature")).toBeInTheDocument();
    const select = screen.getByLabelText("Model") as HTMLSelectElement;
    fireEvent.change(select, { target: { value: "openai/o3" } });
    expect(onModel).toHaveBeenCalledWith("openai/o3");
    expect(screen.queryByLabelText("Temperature")).toBeNull();
  });
});
