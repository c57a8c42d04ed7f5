import { type JSX, Match, Show, Switch } from "solid-js";
import type { DocumentFieldsFragment } from "../gql/graphql";
import { t } from "../i18n/i18n";
import { formatBytes } from "../ui/format";
import { documentErrorText as failureText, isProcessing, stagePercent, statusText } from "./document-status";
import type { PendingUpload } from "./uploads";

/** A bar for the upload's bytes or the processing's pages; without a value it only says that work goes on. */
function ProgressBar(props: { label: string; percent?: number; text: string }): JSX.Element {
  return (
    <div
      class="budget-bar document-progress"
      classList={{ "document-progress--indeterminate": props.percent === undefined }}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={props.percent}
      aria-valuetext={props.text}
    >
      <span
        class="budget-bar-fill"
        style={props.percent === undefined ? undefined : { width: `${props.percent}%` }}
      />
    </div>
  );
}

/** Where a document stands: processing (stage and bar), ready (pages, passages), or failed (why). */
export function DocumentStatus(props: { document: DocumentFieldsFragment }): JSX.Element {
  const text = () => statusText(props.document);
  return (
    <div class="document-status" data-status={props.document.status}>
      <Switch>
        <Match when={isProcessing(props.document)}>
          <ProgressBar
            label={t("documents.status.processingBar", { name: props.document.filename })}
            percent={stagePercent(props.document.progress)}
            text={text()}
          />
          <p class="metadata" aria-live="polite">
            {text()}
          </p>
        </Match>
        <Match when={props.document.status === "READY"}>
          <p class="metadata">
            <span class="badge document-badge--ready">{t("documents.status.ready")}</span> {text()}
          </p>
        </Match>
        <Match when={props.document.status === "FAILED"}>
          <p class="alert document-failure">{text()}</p>
        </Match>
      </Switch>
    </div>
  );
}

/** A file still on its way: the bytes sent, or why the server refused it. */
export function UploadStatus(props: { upload: PendingUpload; onDismiss: () => void }): JSX.Element {
  const percent = () =>
    props.upload.total > 0 ? Math.round((props.upload.sent / props.upload.total) * 100) : 0;
  const text = () =>
    t("documents.status.uploading", {
      sent: formatBytes(props.upload.sent),
      total: formatBytes(props.upload.total),
    });
  return (
    <Show
      when={props.upload.failure}
      fallback={
        <div class="document-status" data-status="UPLOADING">
          <ProgressBar
            label={t("documents.status.uploadBar", { name: props.upload.name })}
            percent={percent()}
            text={text()}
          />
          <p class="metadata">{text()}</p>
        </div>
      }
    >
      {(failure) => (
        <div class="alert document-failure" role="alert">
          <span>
            {t("documents.uploadFailed", { name: props.upload.name, reason: failureText(failure()) })}
          </span>
          <button type="button" class="button button--small" onClick={() => props.onDismiss()}>
            {t("documents.dismiss")}
          </button>
        </div>
      )}
    </Show>
  );
}
