import type { TestApp } from "./test-app.js";

export const UPLOAD_DOCUMENT = /* GraphQL */ `
  mutation Upload($input: UploadDocumentInput!) {
    uploadDocument(input: $input) { id filename mimeType sizeBytes scope status }
  }
`;

export interface UploadedDocument {
  id: string;
  filename: string;
  mimeType: string;
  sizeBytes: number;
  scope: string;
  status: string;
}

/** Uploads a file as a GraphQL multipart request (as the PWA and curl do), with the CSRF header. */
export async function uploadDocument(
  app: Pick<TestApp, "url">,
  token: string,
  file: { name: string; content: Uint8Array | string; type?: string },
  input: { scope: "CHAT" | "LIBRARY"; chatId?: string },
) {
  const form = new FormData();
  const blobPart = (bytes: Uint8Array) => new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;
  form.set(
    "operations",
    JSON.stringify({ query: UPLOAD_DOCUMENT, variables: { input: { ...input, file: null } } }),
  );
  form.set("map", JSON.stringify({ 0: ["variables.input.file"] }));
  const bytes = typeof file.content === "string" ? new TextEncoder().encode(file.content) : file.content;
  form.set("0", new Blob([blobPart(bytes)], { type: file.type ?? "application/octet-stream" }), file.name);
  const response = await fetch(`${app.url}/graphql`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "x-graphql-csrf": "1" },
    body: form,
  });
  const body = (await response.json()) as {
    data?: { uploadDocument: UploadedDocument } | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  return { ...body, status: response.status };
}

const DOCUMENT_STATUS = /* GraphQL */ `
  query Doc($id: ID!) {
    document(id: $id) { id status pageCount chunkCount ocrPages language error errorCode progress { stage done total } }
  }
`;

export interface DocumentState {
  id: string;
  status: string;
  pageCount: number | null;
  chunkCount: number;
  ocrPages: number;
  language: string;
  error: string | null;
  errorCode: string | null;
}

/** Polls the document until it is READY or FAILED. */
export async function waitForDocument(app: TestApp, token: string, id: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await app.gql<{ document: DocumentState }>(DOCUMENT_STATUS, { id }, { token });
    const document = result.data?.document;
    if (!document) throw new Error(JSON.stringify(result.errors));
    if (document.status === "READY" || document.status === "FAILED") return document;
    if (Date.now() > deadline)
      throw new Error(`document ${id} still ${document.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
