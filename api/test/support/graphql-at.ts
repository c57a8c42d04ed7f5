/** GraphQL over HTTP against an API process; errors throw, so a test fails at the call that got them. */
export function graphqlAt(url: string) {
  return async <Data>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<Data> => {
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data: Data; errors?: unknown };
    if (body.errors) throw new Error(`${response.status}: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
}

type Gql = ReturnType<typeof graphqlAt>;

/** Registers an account (the first on a new database becomes admin); its access token. */
export async function signUp(
  gql: Gql,
  username: string,
  password = "correct horse battery",
): Promise<string> {
  const { register } = await gql<{ register: { accessToken: string } }>(
    `mutation($input: RegisterInput!) { register(input: $input) { accessToken } }`,
    { input: { username, email: `${username}@example.com`, password } },
  );
  return register.accessToken;
}

/** Opens a chat and sends one message; the id of the answer being generated. */
export async function ask(gql: Gql, token: string, question: string, model = "openai/gpt-4.1-mini") {
  const { createChat } = await gql<{ createChat: { id: string } }>(
    `mutation($input: CreateChatInput) { createChat(input: $input) { id } }`,
    { input: { model } },
    token,
  );
  const { sendMessage } = await gql<{ sendMessage: { assistantMessage: { id: string } } }>(
    `mutation($input: SendMessageInput!) { sendMessage(input: $input) { assistantMessage { id } } }`,
    { input: { chatId: createChat.id, content: question } },
    token,
  );
  return sendMessage.assistantMessage.id;
}
