import "./documents.css";
import { createMutation, createQuery } from "@urql/solid";
import { createMemo, createSignal, For, type JSX, Show } from "solid-js";
import type { DocumentFieldsFragment } from "../gql/graphql";
import { describeError } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { ConfirmDialog } from "../ui/Dialog";
import { DocumentItem } from "./DocumentItem";
import { UploadStatus } from "./DocumentStatus";
import { ACCEPTED_FILES, isProcessing } from "./document-status";
import { FilePicker } from "./FilePicker";
import { DeleteDocumentMutation, DocumentsQuery } from "./operations";
import { RenameDocumentDialog } from "./RenameDocumentDialog";
import { createUploads, pollWhile } from "./uploads";

const PAGE = 50;

/** The user's library: upload, follow processing, rename, delete, download. Loaded lazily. */
export default function DocumentLibrary(): JSX.Element {
  const [first, setFirst] = createSignal(PAGE);
  const [documents, refetch] = createQuery({
    query: DocumentsQuery,
    variables: () => ({ scope: "LIBRARY" as const, first: first() }),
  });
  const [, deleteDocument] = createMutation(DeleteDocumentMutation);
  const [renaming, setRenaming] = createSignal<DocumentFieldsFragment | null>(null);
  const [deleting, setDeleting] = createSignal<DocumentFieldsFragment | null>(null);
  const reload = () => refetch({ requestPolicy: "network-only" });
  const { uploads, start, dismiss } = createUploads({ scope: "LIBRARY", onUploaded: reload });

  const list = createMemo(() => documents.data?.documents.edges.map((edge) => edge.node) ?? []);
  // Processing runs on the server: its stages show as the list is asked again, once a second.
  pollWhile(() => list().some(isProcessing), reload);

  const confirmDelete = () => {
    const document = deleting();
    setDeleting(null);
    if (document) void deleteDocument({ id: document.id });
  };

  return (
    <div class="page documents">
      <div class="section-row">
        <h1 class="page-title">{t("documents.title")}</h1>
        <FilePicker
          class="button button--primary"
          icon="plus"
          label={t("documents.upload")}
          accept={ACCEPTED_FILES}
          multiple
          onFiles={start}
        />
      </div>
      <p class="metadata">
        {t("documents.intro")} {t("documents.accepted")}
      </p>
      <Show when={uploads().length > 0}>
        <ul class="manager-list document-uploads">
          <For each={uploads()}>
            {(upload) => (
              <li class="card manager-item document-item">
                <div class="manager-item-text">
                  <h2 class="card-subheading document-name">{upload.name}</h2>
                  <UploadStatus upload={upload} onDismiss={() => dismiss(upload.key)} />
                </div>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={documents.error && !documents.data}>
        <p class="alert" role="alert">
          {describeError(documents.error)}
        </p>
      </Show>
      <Show
        when={list().length > 0}
        fallback={
          <p class="metadata">
            {documents.fetching && !documents.data ? t("documents.loading") : t("documents.empty")}
          </p>
        }
      >
        <ul class="manager-list">
          <For each={list()}>
            {(document) => (
              <DocumentItem
                document={document}
                onRename={() => setRenaming(document)}
                onDelete={() => setDeleting(document)}
              />
            )}
          </For>
        </ul>
      </Show>
      <Show when={documents.data?.documents.pageInfo.hasNextPage}>
        <button type="button" class="button" onClick={() => setFirst(first() + PAGE)}>
          {t("documents.more")}
        </button>
      </Show>
      <RenameDocumentDialog document={renaming()} onClose={() => setRenaming(null)} />
      <ConfirmDialog
        open={deleting() !== null}
        title={t("documents.deleteTitle")}
        message={t("documents.deleteText", { name: deleting()?.filename ?? "" })}
        confirmLabel={t("documents.delete")}
        onConfirm={confirmDelete}
        onClose={() => setDeleting(null)}
      />
    </div>
  );
}
