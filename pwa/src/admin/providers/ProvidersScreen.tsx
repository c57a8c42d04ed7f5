import { createQuery } from "@urql/solid";
import { For, type JSX, Show } from "solid-js";
import { describeError } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { createKeyedList } from "../../ui/keyed-list";
import { ProviderConnectionsQuery } from "./operations";
import { ProviderCard } from "./ProviderCard";

/** The AI providers and their keys: from this administration, from the server's environment, or none. */
export default function ProvidersScreen(): JSX.Element {
  const [connections] = createQuery({ query: ProviderConnectionsQuery });
  const providers = createKeyedList(
    () => connections.data?.providerConnections ?? [],
    (connection) => connection.provider,
  );
  return (
    <>
      <h2 class="section-heading">{t("admin.providers.title")}</h2>
      <p class="metadata">{t("admin.providers.intro")}</p>
      <Show when={connections.error}>
        <p class="alert" role="alert">
          {describeError(connections.error)}
        </p>
      </Show>
      <Show when={!connections.data && connections.fetching}>
        <p class="metadata">{t("app.loading")}</p>
      </Show>
      <For each={providers.keys()}>
        {(provider) => (
          <Show when={providers.get(provider)}>
            {(connection) => <ProviderCard connection={connection()} />}
          </Show>
        )}
      </For>
    </>
  );
}
