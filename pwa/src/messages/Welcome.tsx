import { useNavigate } from "@solidjs/router";
import { createSignal, type JSX, lazy, onCleanup, Show, Suspense } from "solid-js";
import { type AssistantChoice, AssistantSelector } from "../assistants/AssistantSelector";
import { budgetRefusalText } from "../budgets/budget-state";
import { NEW_CHAT, setUsesLibrary, usesLibrary } from "../documents/library-choice";
import { describeCode } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { DEFAULT_TEMPERATURE, ModelSettings } from "../models/ModelSettings";
import { createModels } from "../models/models";
import { online } from "../offline/network";
import { sendChatMessage } from "./chat-actions";
import { MessageInput } from "./MessageInput";

// "Use my library" (in the documents' lazy code, with the chat's files once it is open).
const ComposerDocuments = lazy(() => import("../documents/ComposerDocuments"));

/** A new chat: choose model, temperature or an assistant, write the first message. */
export function Welcome(): JSX.Element {
  const navigate = useNavigate();
  const models = createModels();
  const [model, setModel] = createSignal<string | null>(null);
  const [temperature, setTemperature] = createSignal(DEFAULT_TEMPERATURE);
  const [assistant, setAssistant] = createSignal<AssistantChoice | null>(null);
  const [error, setError] = createSignal("");
  let mounted = true;
  onCleanup(() => {
    mounted = false;
  });

  const chosenModel = () => model() ?? models.defaultModel()?.id ?? null;

  const chooseAssistant = (choice: AssistantChoice | null) => {
    setAssistant(choice);
    if (choice?.model) setModel(choice.model);
    if (choice?.temperature != null) setTemperature(choice.temperature);
  };

  /**
   * The chat gets its id here, and it and its first message go out through the outbox, online or not:
   * creating a chat under an id is idempotent, so a response lost on the way (the outbox tries again)
   * never leaves an empty chat behind — and when the device refuses to keep the message, nothing is
   * created and the text stays in the composer. The chat opens once the first delivery answered (or
   * failed for want of a network): a budget that refuses it gives the text back here.
   */
  const start = async (content: string): Promise<boolean> => {
    const settings = {
      model: chosenModel(),
      temperature: temperature(),
      assistantId: assistant()?.id ?? null,
    };
    const chatId = crypto.randomUUID();
    const useLibrary = usesLibrary(NEW_CHAT);
    const refused = await sendChatMessage(
      { chatId, content, ...settings, useLibrary, newChat: settings },
      () => mounted,
    );
    setError(
      refused ? (refused.budget ? budgetRefusalText(refused.budget) : describeCode(refused.code)) : "",
    );
    if (refused) return false;
    // The new chat goes on as it was started; the next new one starts without the library again.
    if (useLibrary) {
      setUsesLibrary(chatId, true);
      setUsesLibrary(NEW_CHAT, false);
    }
    navigate(`/chats/${chatId}`);
    return true;
  };

  return (
    <div class="chat welcome">
      <div class="welcome-scroll">
        <div class="welcome-intro">
          <h1 class="welcome-title">{t("chat.welcomeTitle")}</h1>
          <p class="metadata">{t("chat.welcomeText")}</p>
        </div>
        <ModelSettings
          idPrefix="new-chat"
          models={models}
          model={chosenModel()}
          temperature={temperature()}
          onModel={setModel}
          onTemperature={setTemperature}
        />
        <AssistantSelector selected={assistant()?.id ?? null} onSelect={chooseAssistant} />
      </div>
      <Show when={!online()}>
        <p class="alert" role="status">
          {t("chat.newChatOffline")}
        </p>
      </Show>
      <Show when={error()}>
        <p class="alert" role="alert">
          {error()}
        </p>
      </Show>
      <Suspense>
        <ComposerDocuments chatKey={NEW_CHAT} />
      </Suspense>
      <MessageInput streaming={false} onStop={() => {}} onSend={start} />
    </div>
  );
}
