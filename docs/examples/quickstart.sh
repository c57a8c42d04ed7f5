#!/usr/bin/env bash
# Sign in, create a chat, stream an answer, read this month's usage — with curl and jq.
# Usage: API=https://api.example.com LOGIN=anna PASSWORD='…' bash quickstart.sh
set -euo pipefail
: "${API:?set API to the server, e.g. http://localhost:4000}" "${LOGIN:?}" "${PASSWORD:?}"
MODEL="${MODEL:-openai/gpt-4.1-mini}"

gql() { # gql <token-or-empty> <json body>
  curl -sS "$API/graphql" -H 'content-type: application/json' ${1:+-H "authorization: Bearer $1"} -d "$2"
}

# 1. Sign in (username or e-mail). Integrators can use an API key instead: TOKEN=xqt5_…
TOKEN=$(gql "" "$(jq -n --arg login "$LOGIN" --arg password "$PASSWORD" \
  '{query: "mutation($input: LoginInput!) { login(input: $input) { accessToken } }",
    variables: {input: {login: $login, password: $password}}}')" | jq -er '.data.login.accessToken')

# 2. Create a chat.
CHAT=$(gql "$TOKEN" "$(jq -n --arg model "$MODEL" \
  '{query: "mutation($input: CreateChatInput) { createChat(input: $input) { id } }",
    variables: {input: {title: "Quickstart", model: $model}}}')" | jq -er '.data.createChat.id')

# 3. Send a message. clientMessageId makes retries safe: the same id never sends twice.
ANSWER=$(gql "$TOKEN" "$(jq -n --arg chat "$CHAT" --arg id "quickstart-$(date +%s%N)" \
  '{query: "mutation($input: SendMessageInput!) { sendMessage(input: $input) { assistantMessage { id } } }",
    variables: {input: {chatId: $chat, content: "Hallo! Wer bist du?", clientMessageId: $id}}}')" \
  | jq -er '.data.sendMessage.assistantMessage.id')

# 4. Stream the answer over SSE (graphql-sse, distinct connections mode). Each "next" event carries
#    a delta; the stream ends with MessageCompleted or MessageFailed, then "complete".
curl -sS -N "$API/graphql/stream" -H 'content-type: application/json' -H 'accept: text/event-stream' \
  -H "authorization: Bearer $TOKEN" \
  -d "$(jq -n --arg id "$ANSWER" '{query: "subscription($id: ID!) { messageStream(messageId: $id) {
        __typename ... on MessageDelta { text } ... on MessageFailed { code reason: message } } }",
        variables: {id: $id}}')" \
  | sed -n 's/^data: //p' | jq -rj '.data.messageStream | select(.__typename == "MessageDelta") | .text'
echo

# 5. Usage and cost this month.
gql "$TOKEN" '{"query": "{ usage { requests promptTokens completionTokens costUsd byModel { model costUsd } } }"}' \
  | jq '.data.usage'
