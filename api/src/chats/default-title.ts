// The title of a chat until its first answer has given it one. The same text is the column default in
// supabase/migrations (a test compares them) and is what the PWA shows as "Untitled chat" in the
// reader's language; this file has no imports so that the PWA can use it as it is.
export const DEFAULT_CHAT_TITLE = "New Conversation";
