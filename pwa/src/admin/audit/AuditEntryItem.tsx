import { type JSX, Show } from "solid-js";
import type { AuditEntryFieldsFragment } from "../../gql/graphql";
import { t } from "../../i18n/i18n";
import { formatDateTime, formatUtc } from "../../ui/format";
import { actionLabel, actorLabel, targetLabel } from "./audit-labels";

export type AuditEntry = AuditEntryFieldsFragment;

const outcomeBadge = { SUCCESS: "badge--ok", FAILURE: "badge--failure", DENIED: "badge--off" } as const;

/** An entry's outcome as a badge: success, failure, denied. */
export function OutcomeBadge(props: { outcome: AuditEntry["outcome"] }): JSX.Element {
  return (
    <span class={`badge ${outcomeBadge[props.outcome]}`}>{t(`admin.audit.outcomes.${props.outcome}`)}</span>
  );
}

/**
 * One entry of the audit log: when, what, how it ended, who and on what. The entry opens its details;
 * its actor and target narrow the list to them ("show only this").
 */
export function AuditEntryItem(props: {
  entry: AuditEntry;
  onOpen: () => void;
  onActor: (actor: { id: string; label: string }) => void;
  onTarget: (target: { type: string; id: string; label: string }) => void;
}): JSX.Element {
  const actor = () => actorLabel(props.entry.actor);
  return (
    <li class="card audit-entry" data-outcome={props.entry.outcome}>
      <button type="button" class="audit-entry-open" aria-haspopup="dialog" onClick={() => props.onOpen()}>
        <time datetime={props.entry.at} title={formatUtc(props.entry.at)} class="audit-time">
          {formatDateTime(props.entry.at)}
        </time>
        <span class="audit-action">{actionLabel(props.entry.action)}</span>
        <OutcomeBadge outcome={props.entry.outcome} />
      </button>
      <div class="audit-entry-parties">
        <span>
          <span class="metadata">{t("admin.audit.actor")}: </span>
          <Show when={props.entry.actor.id} fallback={<span>{actor()}</span>}>
            {(id) => (
              <button
                type="button"
                class="link-button"
                title={t("admin.audit.showOnlyActor", { name: actor() })}
                aria-label={t("admin.audit.showOnlyActor", { name: actor() })}
                onClick={() => props.onActor({ id: id(), label: actor() })}
              >
                {actor()}
              </button>
            )}
          </Show>
        </span>
        <Show when={props.entry.target}>
          {(target) => (
            <span>
              <span class="metadata">{t("admin.audit.target")}: </span>
              <Show when={target().id} fallback={<span>{targetLabel(target())}</span>}>
                {(id) => (
                  <button
                    type="button"
                    class="link-button"
                    title={t("admin.audit.showOnlyTarget", { name: targetLabel(target()) })}
                    aria-label={t("admin.audit.showOnlyTarget", { name: targetLabel(target()) })}
                    onClick={() =>
                      props.onTarget({ type: target().type, id: id(), label: targetLabel(target()) })
                    }
                  >
                    {targetLabel(target())}
                  </button>
                )}
              </Show>
            </span>
          )}
        </Show>
        <Show when={props.entry.ip}>{(ip) => <span class="metadata">{ip()}</span>}</Show>
      </div>
    </li>
  );
}
