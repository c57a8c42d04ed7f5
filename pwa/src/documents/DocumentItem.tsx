import { type JSX, Show } from "solid-js";
import type { DocumentFieldsFragment } from "../gql/graphql";
import { apiUrl } from "../graphql/download";
import { t } from "../i18n/i18n";
import { DownloadButton } from "../ui/DownloadButton";
import { DocumentStatus } from "./DocumentStatus";
import { kindAndSize } from "./document-status";

/** One document of the library: name, kind and size, status, summary; rename, delete, download. */
export function DocumentItem(props: {
  document: DocumentFieldsFragment;
  onRename: () => void;
  onDelete: () => void;
}): JSX.Element {
  return (
    <li class="card manager-item document-item" data-document-id={props.document.id}>
      <div class="manager-item-text">
        <h2 class="card-subheading document-name">{props.document.filename}</h2>
        <p class="metadata">{kindAndSize(props.document)}</p>
        <DocumentStatus document={props.document} />
        <Show when={props.document.status === "READY" && props.document.summary}>
          {(summary) => <p class="document-summary">{summary()}</p>}
        </Show>
      </div>
      <div class="form-actions">
        <button
          type="button"
          class="button button--small"
          aria-label={`${t("documents.rename")}: ${props.document.filename}`}
          onClick={() => props.onRename()}
        >
          {t("documents.rename")}
        </button>
        <DownloadButton
          url={apiUrl(props.document.downloadUrl, {})}
          fileName={props.document.filename}
          label={t("documents.download")}
          of={props.document.filename}
        />
        <button
          type="button"
          class="button button--small"
          aria-label={`${t("documents.delete")}: ${props.document.filename}`}
          onClick={() => props.onDelete()}
        >
          {t("documents.delete")}
        </button>
      </div>
    </li>
  );
}
