import { createMutation } from "@urql/solid";
import { createSignal, type JSX, Show } from "solid-js";
import type { TestProviderKeyMutation as TestOutcome } from "../../gql/graphql";
import { describeError } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { ConfirmDialog } from "../../ui/Dialog";
import { DeleteProviderKeyMutation, TestProviderKeyMutation } from "./operations";
import { ProviderKeyForm } from "./ProviderKeyForm";
import { describeLastTest, type ProviderConnection } from "./provider-status";

type TestResult = TestOutcome["testProviderKey"];

/** One provider: where its key comes from, the key's end, address, last test; set, test, remove its key. */
export function ProviderCard(props: { connection: ProviderConnection }): JSX.Element {
  const [tested, test] = createMutation(TestProviderKeyMutation);
  const [removed, remove] = createMutation(DeleteProviderKeyMutation);
  const [editing, setEditing] = createSignal(false);
  const [asking, setAsking] = createSignal(false);
  const [result, setResult] = createSignal<TestResult | null>(null);
  const [notice, setNotice] = createSignal("");
  const id = () => `provider-${props.connection.provider}`;
  const name = () => props.connection.name;

  const runTest = async () => {
    setResult(null);
    setNotice("");
    const outcome = await test({ provider: props.connection.provider });
    if (outcome.data) setResult(outcome.data.testProviderKey);
  };

  const confirmRemove = async () => {
    setAsking(false);
    setResult(null);
    const outcome = await remove({ provider: props.connection.provider });
    if (outcome.data) setNotice(t("admin.providers.keyRemoved"));
  };

  return (
    <section class="card" aria-labelledby={`${id()}-heading`}>
      <h3 id={`${id()}-heading`} class="card-header">
        {name()}
      </h3>
      <div class="card-body stack">
        <dl class="provider-facts">
          <div>
            <dt>{t("admin.providers.source")}</dt>
            <dd>
              <span class={props.connection.configured ? "badge badge--ok" : "badge badge--off"}>
                {t(`admin.providers.sources.${props.connection.source}`)}
              </span>
            </dd>
          </div>
          <Show when={props.connection.keyHint}>
            <div>
              <dt>{t("admin.providers.key")}</dt>
              <dd>
                <code>{t("admin.providers.keyEndsIn", { hint: props.connection.keyHint ?? "" })}</code>
              </dd>
            </div>
          </Show>
          <Show when={props.connection.baseUrl}>
            <div>
              <dt>{t("admin.providers.baseUrl")}</dt>
              <dd>
                <code class="provider-url">{props.connection.baseUrl}</code>
              </dd>
            </div>
          </Show>
          <Show when={props.connection.deployments.length > 0}>
            <div>
              <dt>{t("admin.providers.deployments")}</dt>
              <dd>{props.connection.deployments.join(", ")}</dd>
            </div>
          </Show>
          <div>
            <dt>{t("admin.providers.lastTest")}</dt>
            <dd>{describeLastTest(props.connection)}</dd>
          </div>
        </dl>
        <Show when={result()}>
          {(shown) => (
            <Show
              when={shown().ok}
              fallback={
                <p class="alert" role="alert">
                  {t("admin.providers.testFailed", {
                    error: shown().error ?? t("errors.UNKNOWN"),
                  })}
                </p>
              }
            >
              <p class="notice" role="status">
                {shown().modelCount != null
                  ? t("admin.providers.testOkModels", {
                      ms: shown().latencyMs,
                      count: shown().modelCount ?? 0,
                    })
                  : t("admin.providers.testOk", { ms: shown().latencyMs })}
              </p>
            </Show>
          )}
        </Show>
        <Show when={tested.error ?? removed.error}>
          {(error) => (
            <p class="alert" role="alert">
              {describeError(error())}
            </p>
          )}
        </Show>
        <Show when={notice()}>
          <p role="status">{notice()}</p>
        </Show>
        <Show
          when={editing()}
          fallback={
            <div class="form-actions">
              <button
                type="button"
                class="button"
                aria-label={`${tested.fetching ? t("admin.providers.testing") : t("admin.providers.test")}: ${name()}`}
                disabled={!props.connection.configured || tested.fetching}
                onClick={() => void runTest()}
              >
                {tested.fetching ? t("admin.providers.testing") : t("admin.providers.test")}
              </button>
              <Show when={props.connection.source === "DATABASE"}>
                <button
                  type="button"
                  class="button"
                  aria-label={`${t("admin.providers.removeKey")}: ${name()}`}
                  disabled={removed.fetching}
                  onClick={() => setAsking(true)}
                >
                  {t("admin.providers.removeKey")}
                </button>
              </Show>
              <button
                type="button"
                class="button button--primary"
                aria-label={`${t("admin.providers.setKey")}: ${name()}`}
                onClick={() => {
                  setNotice("");
                  setEditing(true);
                }}
              >
                {t("admin.providers.setKey")}
              </button>
            </div>
          }
        >
          <ProviderKeyForm
            id={id()}
            connection={props.connection}
            onDone={(saved) => {
              setEditing(false);
              if (saved) {
                setResult(null);
                setNotice(t("admin.providers.keySaved"));
              }
            }}
          />
        </Show>
      </div>
      <ConfirmDialog
        open={asking()}
        title={t("admin.providers.removeKeyTitle", { provider: name() })}
        message={t("admin.providers.confirmRemoveKey", { provider: name() })}
        confirmLabel={t("admin.providers.removeKey")}
        onConfirm={() => void confirmRemove()}
        onClose={() => setAsking(false)}
      />
    </section>
  );
}
