-- Conversations, their messages, and one usage row per provider call.

create table if not exists chats (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_users (id) on delete cascade,
  title varchar(255) not null default 'New Conversation',
  model varchar(100),
  temperature numeric(3, 2),
  assistant_id uuid references assistants (id) on delete set null,
  created_at timestamptz not null default now()
);

-- updated_at is the time of the last activity; the chat list is ordered by it.
alter table chats add column if not exists updated_at timestamptz not null default now();
create index if not exists chats_user_id_updated_at_idx on chats (user_id, updated_at desc, id desc);
create index if not exists chats_assistant_id_idx on chats (assistant_id);

create table if not exists chat_messages (
  id uuid primary key default gen_random_uuid(),
  chat_id uuid not null references chats (id) on delete cascade,
  role varchar(10) not null check (role in ('user', 'assistant')),
  content text not null,
  model varchar(100),
  created_at timestamptz not null default now()
);

-- status: streaming | complete | stopped | failed | interrupted (user messages are complete).
alter table chat_messages add column if not exists status varchar(16) not null default 'complete';
alter table chat_messages add column if not exists error_code varchar(40);
alter table chat_messages add column if not exists error_message text;
-- The client's id for a sent message makes sendMessage idempotent (retries, offline outbox).
alter table chat_messages add column if not exists client_message_id varchar(64);
-- The user message an answer replies to.
alter table chat_messages add column if not exists reply_to_id uuid references chat_messages (id) on delete set null;
alter table chat_messages add column if not exists updated_at timestamptz not null default now();

alter table chat_messages drop constraint if exists chat_messages_status_check;
alter table chat_messages add constraint chat_messages_status_check
  check (status in ('streaming', 'complete', 'stopped', 'failed', 'interrupted'));

create index if not exists chat_messages_chat_id_created_at_idx on chat_messages (chat_id, created_at, id);
create unique index if not exists chat_messages_chat_id_client_message_id_key
  on chat_messages (chat_id, client_message_id);
create index if not exists chat_messages_reply_to_id_idx on chat_messages (reply_to_id);
create index if not exists chat_messages_status_idx on chat_messages (status) where status = 'streaming';

create table if not exists chat_token_usage (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_users (id) on delete cascade,
  chat_id uuid references chats (id) on delete set null,
  model varchar(100) not null,
  provider varchar(50) not null,
  prompt_tokens integer not null default 0,
  completion_tokens integer not null default 0,
  total_tokens integer not null default 0,
  estimated_cost numeric(12, 6) not null default 0,
  created_at timestamptz not null default now()
);

alter table chat_token_usage add column if not exists message_id uuid references chat_messages (id) on delete set null;
alter table chat_token_usage add column if not exists cached_tokens integer not null default 0;
alter table chat_token_usage add column if not exists reasoning_tokens integer not null default 0;
-- chat: an answer; title: background title generation.
alter table chat_token_usage add column if not exists purpose varchar(16) not null default 'chat';
-- Full precision: a short answer of a cheap model costs far less than a millionth of a dollar.
alter table chat_token_usage alter column estimated_cost type numeric(18, 10);

create index if not exists chat_token_usage_user_id_created_at_idx on chat_token_usage (user_id, created_at);
create index if not exists chat_token_usage_created_at_idx on chat_token_usage (created_at);
create index if not exists chat_token_usage_chat_id_idx on chat_token_usage (chat_id);
create index if not exists chat_token_usage_message_id_idx on chat_token_usage (message_id);
