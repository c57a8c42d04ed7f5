import { createMutation, createQuery } from "@urql/solid";
import type { JSX } from "solid-js";
import { t } from "../i18n/i18n";
import { ManagerPage } from "../ui/ManagerPage";
import { DeleteTemplateMutation, TemplatesQuery } from "./operations";
import { TemplateForm } from "./TemplateForm";

/** The user's own and the company-wide prompt templates. Loaded lazily. */
export default function TemplateManager(): JSX.Element {
  const [templates] = createQuery({ query: TemplatesQuery });
  const [, deleteTemplate] = createMutation(DeleteTemplateMutation);
  return (
    <ManagerPage
      title={t("templates.title")}
      newLabel={t("templates.new")}
      emptyText={t("templates.empty")}
      items={templates.data?.templates ?? []}
      detail={(template) => template.category}
      onDelete={(template) => void deleteTemplate({ id: template.id })}
      form={(template, close) => <TemplateForm template={template} onDone={close} />}
    />
  );
}
