import "./documents.css";
import { createMutation, createQuery } from "@urql/solid";
import { createMemo, createSignal, For, type JSX, Show } from "solid-js";
import type { DocumentFieldsFragment } from "../gql/graphql";
import { t } from "../i18n/i18n";
import { ConfirmDialog } from "../ui/Dialog";
import { IconButton } from "../ui/IconButton";
import { createMediaQuery } from "../ui/media-query";
import { ACCEPTED_FILES, documentErrorText, documentKind, isProcessing, statusText } from "./document-status";
import { FilePicker } from "./FilePicker";
import { setUsesLibrary, usesLibrary } from "./library-choice";
import { DeleteDocumentMutation, DocumentsQuery } from "./operations";
import { PendingImages } from "./PendingImages";
import { MAX_ATTACHMENTS, pendingAttachments } from "./pending-attachments";
import { createUploads, pollWhile } from "./uploads";

const CHAT_DOCUMENTS = 50;

/** "Use my library", remembered per chat (`chatKey`: its id, or NEW_CHAT before it has one). */
export function LibraryToggle(props: { chatKey: string }): JSX.Element {
  return (
    <label class="checkbox library-toggle">
      <input
        type="checkbox"
        checked={usesLibrary(props.chatKey)}
        onChange={(event) => setUsesLibrary(props.chatKey, event.currentTarget.checked)}
      />
      {t("documents.chat.useLibrary")}
    </label>
  );
}

/**
 * Above a chat's composer: attach files (or, on phones, a photo) to the chat, its files with their
 * status, and "use my library". A chat that is not on the server yet (started offline) takes files
 * once it is. Images uploaded here also go with the chat's next message (pending until it is sent);
 * every file of the chat is searched for each of its questions. Loaded lazily.
 */
export default function ComposerDocuments(props: {
  /** The open chat; without it (a new chat) only the library toggle shows. */
  chatId?: string;
  /** Whether the chat exists on the server, so that files can be attached to it. */
  onServer?: boolean;
  chatKey: string;
}): JSX.Element {
  const touch = createMediaQuery("(pointer: coarse)");
  const attachable = () => props.chatId !== undefined && props.onServer === true;
  const [documents, refetch] = createQuery({
    query: DocumentsQuery,
    variables: () => ({ scope: "CHAT" as const, chatId: props.chatId, first: CHAT_DOCUMENTS }),
    pause: () => !attachable(),
  });
  const reload = () => refetch({ requestPolicy: "network-only" });
  const [, deleteDocument] = createMutation(DeleteDocumentMutation);
  const [removing, setRemoving] = createSignal<DocumentFieldsFragment | null>(null);
  const [tooManyImages, setTooManyImages] = createSignal(false);
  const { uploads, start, dismiss } = createUploads({
    scope: "CHAT",
    chatId: () => props.chatId ?? "",
    onUploaded: (document) => {
      reload();
      const chatId = document.chat?.id;
      if (chatId && documentKind(document.mimeType, document.filename) === "image") {
        const { id, filename, mimeType, downloadUrl } = document;
        if (!pendingAttachments.add(chatId, { id, filename, mimeType, downloadUrl })) setTooManyImages(true);
      }
    },
  });
  const pending = () => (props.chatId ? pendingAttachments.of(props.chatId) : []);
  const chatDocuments = createMemo(() =>
    attachable() ? (documents.data?.documents.edges.map((edge) => edge.node) ?? []) : [],
  );
  // The images waiting for the next message show as such, not again among the chat's files.
  const attached = createMemo(() => {
    const waiting = new Set(pending().map((image) => image.id));
    return chatDocuments().filter((document) => !waiting.has(document.id));
  });
  pollWhile(() => chatDocuments().some(isProcessing), reload);
  const sending = () => uploads().filter((upload) => !upload.failure);
  const refused = () => uploads().filter((upload) => upload.failure);

  return (
    <div class="composer-documents">
      <div class="composer-documents-row">
        <Show when={props.chatId !== undefined}>
          <FilePicker
            class="button button--ghost"
            icon="attach"
            iconOnly
            label={t("documents.chat.attach")}
            accept={ACCEPTED_FILES}
            multiple
            disabled={!attachable()}
            onFiles={start}
          />
          <Show when={touch()}>
            <FilePicker
              class="button button--ghost"
              icon="camera"
              iconOnly
              label={t("documents.chat.takePhoto")}
              accept="image/*"
              capture="environment"
              disabled={!attachable()}
              onFiles={start}
            />
          </Show>
        </Show>
        <Show when={pending().length > 0}>
          <PendingImages
            images={pending()}
            statusOf={(id) => {
              const document = chatDocuments().find((candidate) => candidate.id === id);
              return document ? statusText(document) : undefined;
            }}
            onRemove={(image) => props.chatId && pendingAttachments.remove(props.chatId, image.id)}
          />
        </Show>
        <Show when={attached().length > 0 || sending().length > 0}>
          <ul class="document-chips" aria-label={t("documents.chat.attached")}>
            <For each={attached()}>
              {(document) => (
                <li class="document-chip" data-status={document.status} title={statusText(document)}>
                  <span class="document-chip-text">
                    <span class="document-chip-name">{document.filename}</span>
                    <span class="document-chip-status">{statusText(document)}</span>
                  </span>
                  <IconButton
                    icon="close"
                    class="document-chip-remove"
                    label={`${t("documents.delete")}: ${document.filename}`}
                    onClick={() => setRemoving(document)}
                  />
                </li>
              )}
            </For>
            <For each={sending()}>
              {(upload) => (
                <li class="document-chip" data-status="UPLOADING">
                  <span class="document-chip-text">
                    <span class="document-chip-name">{upload.name}</span>
                    <span class="document-chip-status">
                      {upload.total > 0 ? Math.round((upload.sent / upload.total) * 100) : 0} %
                    </span>
                  </span>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <LibraryToggle chatKey={props.chatKey} />
      </div>
      <Show when={props.chatId !== undefined && props.onServer === false}>
        <p class="metadata composer-documents-note" role="status">
          {t("documents.chat.offline")}
        </p>
      </Show>
      <Show when={tooManyImages() && pending().length >= MAX_ATTACHMENTS}>
        <p class="metadata composer-documents-note" role="status">
          {t("documents.chat.tooManyImages", { max: MAX_ATTACHMENTS })}
        </p>
      </Show>
      <For each={refused()}>
        {(upload) => (
          <div class="alert document-failure" role="alert">
            <span>
              {t("documents.uploadFailed", {
                name: upload.name,
                reason: documentErrorText(upload.failure ?? { code: "UNKNOWN" }),
              })}
            </span>
            <button type="button" class="button button--small" onClick={() => dismiss(upload.key)}>
              {t("documents.dismiss")}
            </button>
          </div>
        )}
      </For>
      <ConfirmDialog
        open={removing() !== null}
        title={t("documents.deleteTitle")}
        message={t("documents.deleteText", { name: removing()?.filename ?? "" })}
        confirmLabel={t("documents.delete")}
        onConfirm={() => {
          const document = removing();
          setRemoving(null);
          if (document) void deleteDocument({ id: document.id });
        }}
        onClose={() => setRemoving(null)}
      />
    </div>
  );
}
