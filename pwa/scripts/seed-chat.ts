// Seeds a user with one long chat through the public GraphQL API (for the bench).

interface GraphQLResult<T> {
  data?: T;
  errors?: { message: string }[];
}

export async function gql<T>(url: string, query: string, variables: object, token?: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as GraphQLResult<T>;
  if (!result.data) throw new Error(`GraphQL failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

export interface SeededChat {
  username: string;
  password: string;
  chatId: string;
  lastText: string;
}

/** Registers a user and writes `pairs` question/answer pairs (2 × pairs messages) into one chat. */
export async function seedLongChat(
  url: string,
  pairs: number,
  onProgress?: (done: number) => void,
): Promise<SeededChat> {
  const username = `bench${Date.now().toString(36)}`;
  const password = "correct horse battery";
  const { register } = await gql<{ register: { accessToken: string } }>(
    url,
    "mutation($input: RegisterInput!) { register(input: $input) { accessToken } }",
    { input: { username, email: `${username}@example.com`, password } },
  );
  const token = register.accessToken;
  const { createChat } = await gql<{ createChat: { id: string } }>(
    url,
    'mutation { createChat(input: { title: "A very long chat" }) { id } }',
    {},
    token,
  );
  let lastText = "";
  for (let index = 1; index <= pairs; index++) {
    lastText = `Bench message number ${index}`;
    await gql(
      url,
      "mutation($input: SendMessageInput!) { sendMessage(input: $input) { assistantMessage { id } } }",
      {
        input: { chatId: createChat.id, content: lastText, stream: false, clientMessageId: `bench-${index}` },
      },
      token,
    );
    if (index % 100 === 0) onProgress?.(index);
  }
  // Newer chats on top, so the long one is not among the recent chats the app prefetches.
  for (let index = 1; index <= 3; index++) {
    const { createChat: other } = await gql<{ createChat: { id: string } }>(
      url,
      `mutation { createChat(input: { title: "Newer chat ${index}" }) { id } }`,
      {},
      token,
    );
    await gql(
      url,
      "mutation($input: SendMessageInput!) { sendMessage(input: $input) { assistantMessage { id } } }",
      { input: { chatId: other.id, content: `Newer chat ${index}`, stream: false } },
      token,
    );
  }
  return { username, password, chatId: createChat.id, lastText };
}
