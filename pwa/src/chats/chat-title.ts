import { t } from "../i18n/i18n";

// The server names a new chat "New Conversation" until its first answer has given it a title.
const SERVER_DEFAULT_TITLE = "New Conversation";

export function chatTitle(title: string | null | undefined): string {
  return !title || title === SERVER_DEFAULT_TITLE ? t("sidebar.untitled") : title;
}
