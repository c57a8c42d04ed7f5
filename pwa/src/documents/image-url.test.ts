import { createRoot, createSignal } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import { createImageUrl, type ImageUrlDependencies } from "./image-url";

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function fakeObjectUrls() {
  let count = 0;
  const live = new Set<string>();
  const dependencies: Required<Pick<ImageUrlDependencies, "createObjectURL" | "revokeObjectURL">> = {
    createObjectURL: () => {
      const url = `blob:image-${++count}`;
      live.add(url);
      return url;
    },
    revokeObjectURL: (url) => live.delete(url),
  };
  return { ...dependencies, live };
}

describe("createImageUrl", () => {
  it("shows the fetched image from memory, and releases it when it is no longer shown", async () => {
    const urls = fakeObjectUrls();
    const fetchBlob = vi.fn(async () => new Blob(["png"], { type: "image/png" }));
    const { image, dispose } = createRoot((dispose) => ({
      image: createImageUrl(() => "/documents/d1/file", { fetchBlob, ...urls }),
      dispose,
    }));
    expect(image.state()).toEqual({ status: "loading" });
    await tick();
    expect(fetchBlob).toHaveBeenCalledWith("/documents/d1/file");
    expect(image.state()).toEqual({ status: "ready", url: "blob:image-1" });
    expect([...urls.live]).toEqual(["blob:image-1"]);
    dispose();
    expect(urls.live.size).toBe(0);
  });

  it("fetches the new image when the address changes, releasing the old one", async () => {
    const urls = fakeObjectUrls();
    const fetchBlob = vi.fn(async () => new Blob(["png"]));
    const [address, setAddress] = createSignal("/documents/d1/file");
    const { image, dispose } = createRoot((dispose) => ({
      image: createImageUrl(address, { fetchBlob, ...urls }),
      dispose,
    }));
    await tick();
    setAddress("/documents/d2/file");
    await tick();
    expect(fetchBlob).toHaveBeenLastCalledWith("/documents/d2/file");
    expect(image.state()).toEqual({ status: "ready", url: "blob:image-2" });
    expect([...urls.live]).toEqual(["blob:image-2"]);
    dispose();
  });

  it("says so when the image cannot be fetched (offline) or shown", async () => {
    const urls = fakeObjectUrls();
    const failing = createRoot(() =>
      createImageUrl(() => "/documents/d1/file", {
        fetchBlob: () => Promise.reject(new Error("offline")),
        ...urls,
      }),
    );
    await tick();
    expect(failing.state()).toEqual({ status: "failed" });

    const broken = createRoot(() =>
      createImageUrl(() => "/documents/d2/file", { fetchBlob: async () => new Blob(["?"]), ...urls }),
    );
    await tick();
    broken.fail();
    expect(broken.state()).toEqual({ status: "failed" });
  });

  it("does not keep an image that arrives after it stopped being shown", async () => {
    const urls = fakeObjectUrls();
    let deliver: ((blob: Blob) => void) | undefined;
    const fetchBlob = () =>
      new Promise<Blob>((resolve) => {
        deliver = resolve;
      });
    const dispose = createRoot((dispose) => {
      createImageUrl(() => "/documents/d1/file", { fetchBlob, ...urls });
      return dispose;
    });
    expect(deliver).toBeDefined();
    dispose();
    deliver?.(new Blob(["late"]));
    await tick();
    expect(urls.live.size).toBe(0);
  });
});
