import { useNavigate } from "@solidjs/router";
import { createMutation } from "@urql/solid";
import { createSignal, type JSX, Show } from "solid-js";
import { type AssistantChoice, AssistantSelector } from "../assistants/AssistantSelector";
import { CreateChatMutation } from "../chats/documents";
import { describeError, isNetworkFailure } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { DEFAULT_TEMPERATURE, ModelSettings } from "../models/ModelSettings";
import { createModels } from "../models/models";
import { online } from "../offline/network";
import type { NewChatSettings } from "../offline/outbox";
import { sendChatMessage } from "./chat-actions";
import { MessageInput } from "./MessageInput";

/** A new chat: choose model, temperature or an assistant, write the first message. */
export function Welcome(): JSX.Element {
  const navigate = useNavigate();
  const models = createModels();
  const [model, setModel] = createSignal<string | null>(null);
  const [temperature, setTemperature] = createSignal(DEFAULT_TEMPERATURE);
  const [assistant, setAssistant] = createSignal<AssistantChoice | null>(null);
  const [creating, setCreating] = createSignal(false);
  const [error, setError] = createSignal("");
  const [, createChat] = createMutation(CreateChatMutation);

  const chosenModel = () => model() ?? models.defaultModel()?.id ?? null;

  const chooseAssistant = (choice: AssistantChoice | null) => {
    setAssistant(choice);
    if (choice?.model) setModel(choice.model);
    if (choice?.temperature != null) setTemperature(choice.temperature);
  };

  /** Offline (or the connection dropped): the chat gets its id here and waits in the outbox with its message. */
  const startLater = (content: string, settings: NewChatSettings): true => {
    const chatId = crypto.randomUUID();
    sendChatMessage({ chatId, content, ...settings, newChat: settings });
    navigate(`/chats/${chatId}`);
    return true;
  };

  const start = async (content: string): Promise<boolean> => {
    const settings = {
      model: chosenModel(),
      temperature: temperature(),
      assistantId: assistant()?.id ?? null,
    };
    if (!online()) return startLater(content, settings);
    setCreating(true);
    setError("");
    const result = await createChat({ input: settings });
    setCreating(false);
    const chat = result.data?.createChat;
    if (!chat) {
      if (isNetworkFailure(result.error)) return startLater(content, settings);
      setError(describeError(result.error));
      return false;
    }
    sendChatMessage({ chatId: chat.id, content, model: chat.model, temperature: chat.temperature });
    navigate(`/chats/${chat.id}`);
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
      <MessageInput streaming={false} disabled={creating()} onStop={() => {}} onSend={start} />
    </div>
  );
}
