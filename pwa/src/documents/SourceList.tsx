import "./documents.css";
import { createSignal, For, type JSX, Show } from "solid-js";
import type { MessageFieldsFragment } from "../gql/graphql";
import { apiUrl } from "../graphql/download";
import { t } from "../i18n/i18n";
import { Dialog } from "../ui/Dialog";
import { DownloadButton } from "../ui/DownloadButton";
import "./i18n/document-strings";

type Source = MessageFieldsFragment["sources"][number];

/**
 * Under an answer: the passages it was given, as the answer cites them ([1], [2] …); each opens its
 * excerpt with page and section, and the original while the document still exists. Loaded lazily.
 */
export default function SourceList(props: { sources: readonly Source[] }): JSX.Element {
  const [open, setOpen] = createSignal<Source | null>(null);
  const titleId = `sources-${Math.random().toString(36).slice(2)}`;
  return (
    <section class="sources" aria-labelledby={titleId}>
      <h4 id={titleId} class="sources-title">
        {t("documents.sources.title")}
      </h4>
      <ol class="source-list">
        <For each={props.sources}>
          {(source) => (
            <li>
              <button
                type="button"
                class="source-button"
                aria-haspopup="dialog"
                aria-label={t("documents.sources.open", {
                  index: source.index,
                  filename: source.filename,
                  page: source.page,
                })}
                onClick={() => setOpen(source)}
              >
                <span class="source-index">[{source.index}]</span>
                <span class="source-filename">{source.filename}</span>
                <span class="source-page">{t("documents.sources.page", { page: source.page })}</span>
                <Show when={source.section}>
                  <span class="source-section">{source.section}</span>
                </Show>
              </button>
            </li>
          )}
        </For>
      </ol>
      <Dialog
        open={open() !== null}
        title={open() ? `[${open()?.index}] ${open()?.filename}` : ""}
        onClose={() => setOpen(null)}
      >
        <Show when={open()} keyed>
          {(source) => (
            <div class="stack source-detail">
              <p class="metadata">
                {t("documents.sources.pageLong", { page: source.page })}
                <Show when={source.section}>
                  {" · "}
                  {t("documents.sources.section")}: {source.section}
                </Show>
              </p>
              <figure class="source-excerpt">
                <figcaption class="visually-hidden">{t("documents.sources.excerpt")}</figcaption>
                <blockquote>
                  <Show when={source.section}>
                    <p class="source-excerpt-heading">{source.section}</p>
                  </Show>
                  <p class="plain-text">{source.excerpt}</p>
                </blockquote>
              </figure>
              <Show
                when={source.document}
                fallback={<p class="metadata">{t("documents.sources.deleted")}</p>}
              >
                {(document) => (
                  <div>
                    <DownloadButton
                      url={apiUrl(document().downloadUrl, {})}
                      fileName={document().filename}
                      label={t("documents.download")}
                      of={document().filename}
                    />
                  </div>
                )}
              </Show>
            </div>
          )}
        </Show>
      </Dialog>
    </section>
  );
}
