import { createMutation } from "@urql/solid";
import { type JSX, Show } from "solid-js";
import type { DocumentFieldsFragment } from "../gql/graphql";
import { fieldErrors } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { Dialog } from "../ui/Dialog";
import { Form, FormActions } from "../ui/Form";
import { FormField } from "../ui/FormField";
import { RenameDocumentMutation } from "./operations";

/** Gives a document another file name (its kind stays what its content is). */
export function RenameDocumentDialog(props: {
  document: DocumentFieldsFragment | null;
  onClose: () => void;
}): JSX.Element {
  const [renamed, rename] = createMutation(RenameDocumentMutation);
  const save = async (form: HTMLFormElement) => {
    const document = props.document;
    const filename = String(new FormData(form).get("filename") ?? "").trim();
    if (!document || !filename) return;
    if (filename === document.filename) return props.onClose();
    const result = await rename({ id: document.id, filename });
    if (result.data) props.onClose();
  };
  return (
    <Dialog
      open={props.document !== null}
      title={t("documents.renameTitle", { name: props.document?.filename ?? "" })}
      onClose={props.onClose}
    >
      <Show when={props.document} keyed>
        {(document) => (
          <Form onSubmit={(form) => void save(form)}>
            <FormField
              id="document-filename"
              name="filename"
              label={t("documents.newName")}
              value={document.filename}
              required
              maxLength={255}
              error={fieldErrors(renamed.error).filename}
            />
            <FormActions
              error={renamed.error && !fieldErrors(renamed.error).filename ? renamed.error : undefined}
              busy={renamed.fetching}
              submitLabel={t("common.save")}
              onCancel={props.onClose}
            />
          </Form>
        )}
      </Show>
    </Dialog>
  );
}
