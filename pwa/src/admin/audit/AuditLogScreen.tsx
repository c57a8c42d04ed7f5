import { createQuery, useClient } from "@urql/solid";
import { createEffect, createMemo, createSignal, For, type JSX, on, onCleanup, Show } from "solid-js";
import { describeError } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { DownloadButton } from "../../ui/DownloadButton";
import { formatCount, formatDateTime } from "../../ui/format";
import { createKeyedList } from "../../ui/keyed-list";
import { AuditEntryDetails } from "./AuditEntryDetails";
import { type AuditEntry, AuditEntryItem } from "./AuditEntryItem";
import { AuditFilters } from "./AuditFilters";
import {
  type AuditFilterState,
  auditCsvFileName,
  auditCsvUrl,
  auditFilterInput,
  emptyAuditFilter,
} from "./audit-filter";
import { actionLabel, problemLabel } from "./audit-labels";
import { createAuditPages } from "./audit-pages";
import { AuditActionsQuery, VerifyAuditLogQuery } from "./operations";

type Verification =
  | { state: "running" }
  | { state: "done"; message: string; ok: boolean }
  | { state: "failed"; message: string };

/**
 * The organisation's audit log for its admins: filters (action, outcome, period, text, actor, target),
 * entries newest first that load on as the list is scrolled, their details, the chain's verification
 * and the CSV of what the filter shows. Lazy.
 */
export default function AuditLogScreen(): JSX.Element {
  const client = useClient();
  const [filter, setFilter] = createSignal<AuditFilterState>(emptyAuditFilter);
  const input = createMemo(() => auditFilterInput(filter()), undefined, {
    equals: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  });
  const pages = createAuditPages(input);
  const entries = createKeyedList(pages.entries, (entry) => entry.id);
  const [actions] = createQuery({ query: AuditActionsQuery });
  const [opened, setOpened] = createSignal<AuditEntry | null>(null);
  const [verification, setVerification] = createSignal<Verification | null>(null);
  const verificationResult = () => {
    const current = verification();
    return current && current.state !== "running"
      ? { ok: current.state === "done" && current.ok, message: current.message }
      : null;
  };
  const change = (patch: Partial<AuditFilterState>) => setFilter({ ...filter(), ...patch });

  // More entries when the end of the list comes into view (the button below does the same by hand).
  // After each page it looks again: the end may still be in view, and an observer that saw it once
  // says nothing more while it stays there.
  let end: HTMLElement | undefined;
  let endObserver: IntersectionObserver | undefined;
  const watchEnd = (element: HTMLElement) => {
    end = element;
    if (typeof IntersectionObserver === "undefined") return;
    endObserver = new IntersectionObserver(
      (seen) => {
        if (seen.some((entry) => entry.isIntersecting) && pages.hasMore() && !pages.fetching())
          pages.loadMore();
      },
      { rootMargin: "200px 0px" },
    );
    endObserver.observe(element);
    onCleanup(() => endObserver?.disconnect());
  };
  createEffect(
    on(
      () => pages.fetching() || !pages.hasMore(),
      (waiting) => {
        if (waiting || !end || !endObserver) return;
        endObserver.unobserve(end);
        endObserver.observe(end);
      },
      { defer: true },
    ),
  );

  const verify = async () => {
    setVerification({ state: "running" });
    const { from, to } = input();
    const result = await client
      .query(VerifyAuditLogQuery, { from, to }, { requestPolicy: "network-only" })
      .toPromise();
    const outcome = result.data?.verifyAuditLog;
    if (!outcome) {
      setVerification({ state: "failed", message: describeError(result.error) });
      return;
    }
    const broken = outcome.firstBroken;
    setVerification(
      outcome.ok || !broken
        ? {
            state: "done",
            ok: true,
            message:
              outcome.checked === 1
                ? t("admin.audit.intactOne")
                : t("admin.audit.intactMany", { count: formatCount(outcome.checked, "full") }),
          }
        : {
            state: "done",
            ok: false,
            message: t("admin.audit.broken", {
              date: formatDateTime(broken.at),
              action: actionLabel(broken.action),
              problem: problemLabel(broken.problem),
            }),
          },
    );
  };

  const emptyText = () => {
    if (!pages.loaded() || pages.fetching()) return t("app.loading");
    return JSON.stringify(input()) === "{}" ? t("admin.audit.empty") : t("admin.audit.noMatch");
  };

  return (
    <>
      <div class="section-row">
        <h2 class="section-heading">{t("admin.audit.title")}</h2>
        <div class="form-actions">
          <button
            type="button"
            class="button button--small"
            disabled={verification()?.state === "running"}
            onClick={() => void verify()}
          >
            {verification()?.state === "running" ? t("admin.audit.verifying") : t("admin.audit.verify")}
          </button>
          <DownloadButton
            url={auditCsvUrl(input())}
            fileName={auditCsvFileName(filter())}
            label={t("usage.downloadCsv")}
            of={t("admin.audit.title")}
          />
        </div>
      </div>
      <div role="status" class="audit-verification">
        <Show when={verificationResult()} keyed>
          {(result) => (
            <p class={result.ok ? "notice" : "alert"} data-verified={result.ok}>
              {result.message}
            </p>
          )}
        </Show>
      </div>
      <AuditFilters filter={filter()} actions={actions.data?.auditActions ?? []} onChange={change} />
      <Show when={pages.error()}>
        {(error) => (
          <p class="alert" role="alert">
            {describeError(error())}
          </p>
        )}
      </Show>
      <Show when={entries.keys().length > 0} fallback={<p class="metadata">{emptyText()}</p>}>
        <ul class="audit-list" aria-label={t("admin.audit.entries")}>
          <For each={entries.keys()}>
            {(id) => (
              <Show when={entries.get(id)}>
                {(entry) => (
                  <AuditEntryItem
                    entry={entry()}
                    onOpen={() => setOpened(entry())}
                    onActor={(actor) => change({ actor })}
                    onTarget={(target) => change({ target })}
                  />
                )}
              </Show>
            )}
          </For>
        </ul>
      </Show>
      <div ref={watchEnd} class="audit-end">
        <Show
          when={pages.hasMore()}
          fallback={
            <Show when={entries.keys().length > 0 && !pages.fetching() && !pages.error()}>
              <p class="metadata">{t("admin.audit.end")}</p>
            </Show>
          }
        >
          <button type="button" class="button" disabled={pages.fetching()} onClick={() => pages.loadMore()}>
            {pages.fetching() ? t("app.loading") : t("admin.audit.loadMore")}
          </button>
        </Show>
      </div>
      <AuditEntryDetails entry={opened()} onClose={() => setOpened(null)} />
    </>
  );
}
