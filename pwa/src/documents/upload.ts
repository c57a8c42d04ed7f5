import { session } from "../auth/session";
import type { DocumentFieldsFragment, DocumentScope } from "../gql/graphql";
import { graphqlUrl } from "../graphql/endpoint";
import { operationParams } from "../graphql/persisted";
import type { DocumentFailure } from "./document-status";
import { UploadDocumentMutation } from "./operations";

// uploadDocument as a GraphQL multipart request, outside urql (which cannot send files): through
// XMLHttpRequest, the one browser API that tells how many bytes went out.

export interface UploadInput {
  file: File;
  scope: DocumentScope;
  chatId?: string;
}

export interface UploadProgress {
  sent: number;
  total: number;
}

export type UploadOutcome = { document: DocumentFieldsFragment } | { failure: DocumentFailure };

interface Answer {
  status: number;
  body?: {
    data?: { uploadDocument?: DocumentFieldsFragment | null } | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

/** The form of the multipart request specification: the operation (file left null), its map, the file. */
export function uploadForm(input: UploadInput): FormData {
  const variables = { input: { scope: input.scope, chatId: input.chatId ?? null, file: null } };
  const form = new FormData();
  // The text, or (persisted operations) only its hash, exactly as the urql client sends it.
  form.append("operations", JSON.stringify(operationParams(UploadDocumentMutation, variables as never)));
  form.append("map", JSON.stringify({ "0": ["variables.input.file"] }));
  form.append("0", input.file, input.file.name);
  return form;
}

function send(input: UploadInput, token: string | null, onProgress: (progress: UploadProgress) => void) {
  return new Promise<Answer | "network">((resolve) => {
    const request = new XMLHttpRequest();
    request.open("POST", graphqlUrl);
    request.withCredentials = true;
    request.setRequestHeader("accept", "application/graphql-response+json, application/json");
    // The API takes multipart only with this header, which no other site's form can send.
    request.setRequestHeader("x-graphql-csrf", "1");
    if (token) request.setRequestHeader("authorization", `Bearer ${token}`);
    request.upload.onprogress = (event) =>
      onProgress({ sent: event.loaded, total: event.lengthComputable ? event.total : input.file.size });
    request.onload = () => {
      let body: Answer["body"];
      try {
        body = JSON.parse(request.responseText) as Answer["body"];
      } catch {
        body = undefined;
      }
      resolve({ status: request.status, body });
    };
    request.onerror = () => resolve("network");
    request.onabort = () => resolve("network");
    request.send(uploadForm(input));
  });
}

const codeOf = (answer: Answer): string | undefined => {
  const code = answer.body?.errors?.find((error) => error.extensions?.code)?.extensions?.code;
  return typeof code === "string" ? code : undefined;
};

function outcomeOf(answer: Answer | "network"): UploadOutcome {
  if (answer === "network") return { failure: { code: "NETWORK" } };
  const document = answer.body?.data?.uploadDocument;
  if (document) return { document };
  // Refused by the body limit before GraphQL saw it.
  if (answer.status === 413) return { failure: { code: "DOCUMENT_TOO_LARGE" } };
  const error = answer.body?.errors?.[0];
  return {
    failure: {
      code: codeOf(answer) ?? (answer.status >= 500 ? "INTERNAL" : "UNKNOWN"),
      message: error?.message,
      extensions: error?.extensions,
    },
  };
}

/**
 * Uploads a file as the signed-in user, telling the bytes sent as they go. An expired access token is
 * refreshed once (shared with every other request) and the upload repeated. Never rejects.
 */
export async function uploadDocument(
  input: UploadInput,
  onProgress: (progress: UploadProgress) => void = () => {},
): Promise<UploadOutcome> {
  await session.settled();
  const sentWith = session.accessToken();
  let answer = await send(input, sentWith, onProgress);
  const unauthenticated =
    answer !== "network" && (answer.status === 401 || codeOf(answer) === "UNAUTHENTICATED");
  if (unauthenticated && session.isSignedIn()) {
    const outcome = session.accessToken() !== sentWith ? "refreshed" : await session.refresh();
    if (outcome === "refreshed") answer = await send(input, session.accessToken(), onProgress);
  }
  return outcomeOf(answer);
}
