import { createSignal, type JSX, Show } from "solid-js";
import { DownloadError, downloadFile } from "../graphql/download";
import { describeCode } from "../graphql/errors";
import { t } from "../i18n/i18n";

/** Downloads a file of the API (a CSV export) as the signed-in user; says so when that fails. */
export function DownloadButton(props: {
  url: string;
  fileName: string;
  label: string;
  /** What is downloaded, when several buttons say the same ("Download CSV: Cost per day"). */
  of?: string;
}): JSX.Element {
  const [busy, setBusy] = createSignal(false);
  const [failure, setFailure] = createSignal<string | null>(null);
  const download = async () => {
    setBusy(true);
    setFailure(null);
    try {
      await downloadFile(props.url, props.fileName);
    } catch (error) {
      setFailure(describeCode(error instanceof DownloadError ? error.code : "UNKNOWN"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="download">
      <button
        type="button"
        class="button button--small"
        disabled={busy()}
        aria-label={!busy() && props.of ? `${props.label}: ${props.of}` : undefined}
        onClick={() => void download()}
      >
        {busy() ? t("usage.downloading") : props.label}
      </button>
      <Show when={failure()}>
        {(reason) => (
          <span class="field-error" role="alert">
            {t("usage.downloadFailed", { reason: reason() })}
          </span>
        )}
      </Show>
    </span>
  );
}
