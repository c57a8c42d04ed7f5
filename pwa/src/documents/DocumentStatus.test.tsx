import { render, screen } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import type { DocumentFieldsFragment } from "../gql/graphql";
import { updatePreferences } from "../settings/preferences";
import { DocumentStatus, UploadStatus } from "./DocumentStatus";

afterEach(() => updatePreferences({ language: "system" }));

const processing: DocumentFieldsFragment = {
  __typename: "Document",
  id: "d1",
  filename: "scan.pdf",
  mimeType: "application/pdf",
  sizeBytes: 120_000,
  scope: "LIBRARY",
  status: "PROCESSING",
  progress: { __typename: "DocumentProgress", stage: "OCR", done: 2, total: 5 },
  pageCount: null,
  chunkCount: 0,
  ocrPages: 0,
  summary: null,
  error: null,
  errorCode: null,
  downloadUrl: "/documents/d1/file",
  createdAt: "2026-12-01T10:00:00.000Z",
  chat: null,
};

describe("a document's status", () => {
  it("shows the processing's stage with a bar that says how far it is", () => {
    updatePreferences({ language: "de" });
    render(() => <DocumentStatus document={processing} />);
    const bar = screen.getByRole("progressbar", { name: "Verarbeitung von scan.pdf" });
    expect(bar).toHaveAttribute("aria-valuenow", "40");
    expect(bar).toHaveAttribute("aria-valuetext", "OCR Seite 2 von 5");
    expect(screen.getByText("OCR Seite 2 von 5")).toBeInTheDocument();
  });

  it("shows the bytes of an upload, then why it was refused", () => {
    updatePreferences({ language: "en" });
    const { unmount } = render(() => (
      <UploadStatus upload={{ key: "u1", name: "a.pdf", sent: 500, total: 2_000 }} onDismiss={() => {}} />
    ));
    expect(screen.getByRole("progressbar", { name: "Upload of a.pdf" })).toHaveAttribute(
      "aria-valuenow",
      "25",
    );
    expect(screen.getByText("Uploading: 500 byte of 2 kB")).toBeInTheDocument();
    unmount();
    render(() => (
      <UploadStatus
        upload={{
          key: "u1",
          name: "a.exe",
          sent: 0,
          total: 10,
          failure: { code: "DOCUMENT_UNSUPPORTED_TYPE" },
        }}
        onDismiss={() => {}}
      />
    ));
    expect(screen.getByRole("alert")).toHaveTextContent(
      /“a\.exe” was not uploaded: This kind of file is not supported/,
    );
  });
});
