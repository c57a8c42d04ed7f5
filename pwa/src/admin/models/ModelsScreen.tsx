import { A } from "@solidjs/router";
import type { CombinedError } from "@urql/core";
import { createMutation, createQuery } from "@urql/solid";
import { createMemo, createSignal, For, type JSX, Show } from "solid-js";
import { describeError } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { createKeyedList } from "../../ui/keyed-list";
import { type GroupChoice, ModelItem } from "./ModelItem";
import { modelsByProvider, newModelIds, type ProviderModels } from "./model-list";
import { ModelConfigsQuery, SyncProviderModelsMutation } from "./operations";

type SyncOutcome = { provider: string; text: string } | { provider: string; error: CombinedError };

/** Every model the organisation knows, under its provider: on or off, default, names, order, prices, access. */
export default function ModelsScreen(): JSX.Element {
  const [configs] = createQuery({ query: ModelConfigsQuery });
  const [synced, sync] = createMutation(SyncProviderModelsMutation);
  const [search, setSearch] = createSignal("");
  const [syncOutcome, setSyncOutcome] = createSignal<SyncOutcome | null>(null);
  const models = () => configs.data?.modelConfigs ?? [];
  const groups = createMemo(() => configs.data?.groups ?? []);
  const sections = createMemo(() =>
    modelsByProvider(models(), configs.data?.providerConnections ?? [], search()),
  );
  const keyedSections = createKeyedList(sections, (section) => section.provider);

  const outcomeOf = (provider: string) => {
    const outcome = syncOutcome();
    return outcome?.provider === provider ? outcome : null;
  };

  const syncProvider = async (provider: ProviderModels) => {
    setSyncOutcome(null);
    const before = models();
    const result = await sync({ provider: provider.provider });
    if (!result.data) {
      if (result.error) setSyncOutcome({ provider: provider.provider, error: result.error });
      return;
    }
    const found = result.data.syncProviderModels;
    const added = newModelIds(before, found).length;
    const values = { provider: provider.name, found: found.length, added };
    setSyncOutcome({
      provider: provider.provider,
      text: added > 0 ? t("admin.models.syncedNew", values) : t("admin.models.syncedNothingNew", values),
    });
  };

  return (
    <>
      <div class="section-row">
        <h2 class="section-heading">{t("admin.models.title")}</h2>
        <Show when={configs.data}>
          <span class="metadata">
            {t("admin.models.count", {
              count: models().length,
              enabled: models().filter((model) => model.enabled).length,
            })}
          </span>
        </Show>
      </div>
      <div class="field">
        <label for="model-search">{t("admin.models.search")}</label>
        <input
          id="model-search"
          class="input"
          type="search"
          autocomplete="off"
          onInput={(event) => setSearch(event.currentTarget.value)}
        />
      </div>
      <Show when={configs.error}>
        <p class="alert" role="alert">
          {describeError(configs.error)}
        </p>
      </Show>
      <Show when={configs.data && sections().length === 0}>
        <p class="metadata">{t("admin.models.noMatch")}</p>
      </Show>
      <Show when={!configs.data && configs.fetching}>
        <p class="metadata">{t("app.loading")}</p>
      </Show>
      <For each={keyedSections.keys()}>
        {(provider) => (
          <Show when={keyedSections.get(provider)}>
            {(section) => (
              <ProviderSection
                section={section()}
                groups={groups()}
                outcome={outcomeOf(provider)}
                syncing={synced.fetching}
                onSync={() => void syncProvider(section())}
              />
            )}
          </Show>
        )}
      </For>
    </>
  );
}

/** A provider's models, with its "sync" button, or a hint that it is not configured yet. */
function ProviderSection(props: {
  section: ProviderModels;
  groups: readonly GroupChoice[];
  outcome: SyncOutcome | null;
  syncing: boolean;
  onSync: () => void;
}): JSX.Element {
  const headingId = () => `models-${props.section.provider}`;
  const models = createKeyedList(
    () => props.section.models,
    (model) => model.modelId,
  );
  return (
    <section class="card" aria-labelledby={headingId()}>
      <div class="card-header model-provider-header">
        <h3 id={headingId()} class="card-subheading">
          {props.section.name}
        </h3>
        <Show when={props.section.configured}>
          <button
            type="button"
            class="button button--small"
            aria-label={`${t("admin.models.sync")}: ${props.section.name}`}
            disabled={props.syncing}
            onClick={() => props.onSync()}
          >
            {t("admin.models.sync")}
          </button>
        </Show>
      </div>
      <div class="card-body stack">
        <Show when={!props.section.configured}>
          <p class="notice">
            {t("admin.models.notConfigured", { provider: props.section.name })}{" "}
            <A href="/admin/providers">{t("admin.models.toProviders")}</A>
          </p>
        </Show>
        <Show when={props.outcome && "error" in props.outcome ? props.outcome.error : undefined}>
          {(error) => (
            <p class="alert" role="alert">
              {describeError(error())}
            </p>
          )}
        </Show>
        <Show when={props.outcome && "text" in props.outcome ? props.outcome.text : undefined}>
          {(text) => (
            <p class="notice" role="status">
              {text()}
            </p>
          )}
        </Show>
        <Show
          when={props.section.models.length > 0}
          fallback={<p class="metadata">{t("admin.models.noModels")}</p>}
        >
          <ul class="model-list">
            <For each={models.keys()}>
              {(modelId) => (
                <Show when={models.get(modelId)}>
                  {(model) => <ModelItem model={model()} groups={props.groups} />}
                </Show>
              )}
            </For>
          </ul>
        </Show>
      </div>
    </section>
  );
}
