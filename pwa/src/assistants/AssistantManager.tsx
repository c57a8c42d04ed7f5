import { createMutation, createQuery } from "@urql/solid";
import type { JSX } from "solid-js";
import { t } from "../i18n/i18n";
import { ManagerPage } from "../ui/ManagerPage";
import { AssistantForm } from "./AssistantForm";
import { AssistantsQuery, DeleteAssistantMutation } from "./operations";

/** The user's own and the company-wide assistants. Loaded lazily. */
export default function AssistantManager(): JSX.Element {
  const [assistants] = createQuery({ query: AssistantsQuery });
  const [, deleteAssistant] = createMutation(DeleteAssistantMutation);
  return (
    <ManagerPage
      title={t("assistants.title")}
      newLabel={t("assistants.new")}
      emptyText={t("assistants.empty")}
      items={assistants.data?.assistants ?? []}
      icon={(assistant) => assistant.icon}
      detail={(assistant) => assistant.model ?? ""}
      onDelete={(assistant) => void deleteAssistant({ id: assistant.id })}
      form={(assistant, close) => <AssistantForm assistant={assistant} onDone={close} />}
    />
  );
}
