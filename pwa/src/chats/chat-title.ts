import { DEFAULT_CHAT_TITLE } from "../../../api/src/chats/default-title";
import { t } from "../i18n/i18n";

/** A chat's name to show: the server's default title (no answer has named it yet) in the reader's language. */
export function chatTitle(title: string | null | undefined): string {
  return !title || title === DEFAULT_CHAT_TITLE ? t("sidebar.untitled") : title;
}
