import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { updatePreferences } from "../settings/preferences";
import MessageImages from "./MessageImages";

const fetchFile = vi.hoisted(() => vi.fn<(url: string) => Promise<Blob>>());
vi.mock("../graphql/download", async (original) => ({
  ...(await original<typeof import("../graphql/download")>()),
  fetchFile,
}));

const image = (id: string, filename: string) => ({
  __typename: "Document" as const,
  id,
  filename,
  mimeType: "image/png",
  downloadUrl: `/documents/${id}/file`,
});

// jsdom has no object URLs, and no modal dialogs.
const created: string[] = [];
const revoked: string[] = [];
beforeAll(() => {
  URL.createObjectURL = () => {
    const url = `blob:test-${created.length + 1}`;
    created.push(url);
    return url;
  };
  URL.revokeObjectURL = (url: string) => void revoked.push(url);
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute("open");
  };
});
afterAll(() => {
  Reflect.deleteProperty(URL, "createObjectURL");
  Reflect.deleteProperty(URL, "revokeObjectURL");
});
afterEach(() => {
  fetchFile.mockReset();
  updatePreferences({ language: "system" });
});

describe("the images under a message", () => {
  it("shows each as a thumbnail named by its file, fetched as the signed-in user, and opens it larger", async () => {
    updatePreferences({ language: "en" });
    fetchFile.mockResolvedValue(new Blob(["png"], { type: "image/png" }));
    const { unmount } = render(() => <MessageImages images={[image("d1", "receipt.png")]} />);
    expect(screen.getByRole("list", { name: "Images sent with this message" })).toBeInTheDocument();
    const open = screen.getByRole("button", { name: "Open image: receipt.png" });
    await waitFor(() => expect(open.querySelector("img")).toHaveAttribute("alt", "receipt.png"));
    expect(fetchFile).toHaveBeenCalledWith(expect.stringMatching(/\/documents\/d1\/file$/));
    const thumbnail = open.querySelector("img")?.getAttribute("src");
    fireEvent.click(open);
    const dialog = screen.getByRole("dialog", { name: "receipt.png" });
    expect(dialog).toHaveTextContent("receipt.png");
    expect(dialog.querySelector("img")).toHaveAttribute("src", thumbnail ?? "");
    unmount();
    expect(revoked).toContain(thumbnail);
  });

  it("shows the file's name where the image cannot be fetched (offline)", async () => {
    updatePreferences({ language: "de" });
    fetchFile.mockRejectedValue(new Error("offline"));
    render(() => <MessageImages images={[image("d2", "whiteboard.jpg")]} />);
    await waitFor(() =>
      expect(screen.getByTitle("Bild nicht verfügbar: whiteboard.jpg")).toBeInTheDocument(),
    );
    expect(screen.getByText("whiteboard.jpg")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /whiteboard/ })).toBeNull();
  });
});
