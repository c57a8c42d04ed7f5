import { For, type JSX, Show } from "solid-js";
import { t } from "../../i18n/i18n";
import { Dialog } from "../../ui/Dialog";
import { formatDateTime, formatUtc } from "../../ui/format";
import { type AuditEntry, OutcomeBadge } from "./AuditEntryItem";
import { changeRows } from "./audit-filter";
import { actionLabel, actorLabel, targetLabel } from "./audit-labels";

/** Everything an entry recorded: times, who and what, reason, request, address, browser, changes. */
export function AuditEntryDetails(props: { entry: AuditEntry | null; onClose: () => void }): JSX.Element {
  const title = () =>
    props.entry
      ? t("admin.audit.detailsTitle", {
          action: actionLabel(props.entry.action),
          time: formatDateTime(props.entry.at),
        })
      : "";
  return (
    <Dialog open={props.entry !== null} title={title()} onClose={props.onClose}>
      <Show when={props.entry} keyed>
        {(entry) => {
          const fact = (label: string, value: JSX.Element) => (
            <div>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          );
          const changes = changeRows(entry.changes);
          return (
            <div class="stack">
              <dl class="audit-facts">
                {fact(t("admin.audit.time"), formatDateTime(entry.at))}
                {fact(t("admin.audit.timeUtc"), formatUtc(entry.at))}
                {fact(
                  t("admin.audit.action"),
                  <>
                    {actionLabel(entry.action)} <code>{entry.action}</code>
                  </>,
                )}
                {fact(t("admin.audit.outcome"), <OutcomeBadge outcome={entry.outcome} />)}
                {fact(t("admin.audit.actor"), actorLabel(entry.actor))}
                <Show when={entry.target}>
                  {(target) => fact(t("admin.audit.target"), targetLabel(target()))}
                </Show>
                <Show when={entry.reason}>{(reason) => fact(t("admin.audit.reason"), reason())}</Show>
                <Show when={entry.requestId}>
                  {(requestId) => fact(t("admin.audit.requestId"), <code>{requestId()}</code>)}
                </Show>
                <Show when={entry.ip}>{(ip) => fact(t("admin.audit.ip"), <code>{ip()}</code>)}</Show>
                <Show when={entry.userAgent}>
                  {(userAgent) => fact(t("admin.audit.userAgent"), userAgent())}
                </Show>
              </dl>
              <h3 class="card-subheading">{t("admin.audit.changes")}</h3>
              <Show when={changes.length > 0} fallback={<p class="metadata">{t("admin.audit.noChanges")}</p>}>
                <section class="table-scroll" aria-label={t("admin.audit.changes")} tabindex="0">
                  <table class="table audit-changes">
                    <caption class="visually-hidden">{t("admin.audit.changes")}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t("admin.audit.field")}</th>
                        <th scope="col">{t("admin.audit.before")}</th>
                        <th scope="col">{t("admin.audit.after")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={changes}>
                        {(change) => (
                          <tr>
                            <th scope="row">{change.field}</th>
                            <td>{change.before}</td>
                            <td>{change.after}</td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </section>
              </Show>
            </div>
          );
        }}
      </Show>
    </Dialog>
  );
}
