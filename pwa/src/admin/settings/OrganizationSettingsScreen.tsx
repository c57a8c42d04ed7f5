import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, type JSX, Show } from "solid-js";
import { describeError, fieldErrors } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { Form, FormActions } from "../../ui/Form";
import { FormField } from "../../ui/FormField";
import { defaultModelChoices } from "./default-model-choices";
import { OrganizationSettingsQuery, UpdateOrganizationSettingsMutation } from "./operations";

/** Every IANA time zone this browser knows (older ones: just the common default). */
const timeZones = (): string[] =>
  typeof Intl.supportedValuesOf === "function"
    ? Intl.supportedValuesOf("timeZone")
    : ["Europe/Berlin", "UTC"];

/**
 * The organisation's defaults for new chats (model, temperature; empty: the server's), whether people
 * may register without an invitation, how long its audit log is kept (empty: the server's), and its
 * time zone (the calendar of budget periods).
 */
export default function OrganizationSettingsScreen(): JSX.Element {
  const [settings] = createQuery({ query: OrganizationSettingsQuery });
  const [saved, save] = createMutation(UpdateOrganizationSettingsMutation);
  const [done, setDone] = createSignal(false);
  const current = () => settings.data?.organizationSettings;
  const choices = () =>
    defaultModelChoices(
      settings.data?.modelConfigs ?? [],
      settings.data?.providerConnections ?? [],
      current()?.defaultModel,
    );

  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const temperature = String(data.get("defaultTemperature") ?? "").trim();
    const retention = String(data.get("auditRetentionDays") ?? "").trim();
    setDone(false);
    // Empty means the server's default: sent as null.
    const result = await save({
      input: {
        defaultModel: String(data.get("defaultModel") ?? "") || null,
        defaultTemperature: temperature === "" ? null : Number(temperature),
        registrationOpen: data.get("registrationOpen") === "on",
        auditRetentionDays: retention === "" ? null : Number(retention),
        timeZone: String(data.get("timeZone") ?? "").trim() || undefined,
      },
    });
    if (result.data) setDone(true);
  };

  return (
    <>
      <h2 class="section-heading">{t("admin.settings.title")}</h2>
      <Show when={settings.error}>
        <p class="alert" role="alert">
          {describeError(settings.error)}
        </p>
      </Show>
      <Show when={current()} fallback={<p class="metadata">{settings.fetching ? t("app.loading") : ""}</p>}>
        {(organization) => (
          <section class="card" aria-labelledby="organization-settings-heading">
            <h3 id="organization-settings-heading" class="card-header">
              {t("admin.settings.defaults")}
            </h3>
            <Form class="card-body stack" onSubmit={(form) => void submit(form)}>
              <div class="field">
                <label for="default-model">{t("admin.settings.defaultModel")}</label>
                <select
                  id="default-model"
                  name="defaultModel"
                  class="select"
                  aria-describedby="default-model-hint"
                >
                  <option value="" selected={!organization().defaultModel}>
                    {t("admin.settings.serverDefault")}
                  </option>
                  <For each={choices()}>
                    {(group) => (
                      <optgroup label={group.label}>
                        <For each={group.models}>
                          {(model) => (
                            <option value={model.id} selected={model.id === organization().defaultModel}>
                              {model.enabled
                                ? model.name
                                : t("admin.settings.switchedOff", { name: model.name })}
                            </option>
                          )}
                        </For>
                      </optgroup>
                    )}
                  </For>
                </select>
                <span id="default-model-hint" class="metadata">
                  {t("admin.settings.defaultModelHint")}
                </span>
              </div>
              <FormField
                id="default-temperature"
                name="defaultTemperature"
                label={t("admin.settings.defaultTemperature")}
                type="number"
                min={0}
                max={2}
                step={0.1}
                value={
                  organization().defaultTemperature == null ? "" : String(organization().defaultTemperature)
                }
                hint={t("admin.settings.defaultTemperatureHint")}
              />
              <div class="field">
                <label class="checkbox">
                  <input
                    type="checkbox"
                    name="registrationOpen"
                    checked={organization().registrationOpen}
                    aria-describedby="registration-open-hint"
                  />
                  {t("admin.settings.registrationOpen")}
                </label>
                <span id="registration-open-hint" class="metadata">
                  {t("admin.settings.registrationOpenHint")}
                </span>
              </div>
              <FormField
                id="audit-retention-days"
                name="auditRetentionDays"
                label={t("admin.settings.auditRetentionDays")}
                type="number"
                min={30}
                max={36500}
                step={1}
                value={
                  organization().auditRetentionDays == null ? "" : String(organization().auditRetentionDays)
                }
                hint={t("admin.settings.auditRetentionHint", {
                  days: organization().serverAuditRetentionDays,
                })}
              />
              <FormField
                id="time-zone"
                name="timeZone"
                label={t("admin.settings.timeZone")}
                value={organization().timeZone}
                list="time-zones"
                autocomplete="off"
                hint={t("admin.settings.timeZoneHint")}
                error={fieldErrors(saved.error).timeZone}
              />
              <datalist id="time-zones">
                <For each={timeZones()}>{(zone) => <option value={zone} />}</For>
              </datalist>
              <FormActions
                error={fieldErrors(saved.error).timeZone ? undefined : saved.error}
                busy={saved.fetching}
                submitLabel={t("common.save")}
                savedMessage={done() && t("admin.settings.saved")}
              />
            </Form>
          </section>
        )}
      </Show>
    </>
  );
}
