-- An answer being generated is held by a lease that its generator renews every few seconds. An answer
-- whose lease has run out has no generator any more (its process died or never started it) and any
-- replica turns it INTERRUPTED; a live answer on another replica is never touched, however long it
-- stays silent (a reasoning model may think for minutes).
alter table chat_messages add column if not exists lease_expires_at timestamptz;
create index if not exists chat_messages_lease_expires_at_idx
  on chat_messages (lease_expires_at) where status = 'streaming';

-- Every change to a chat's sequence of messages (send, regenerate, edit, delete) moves this counter
-- on, and only commits if nobody moved it since the change was decided (compare and set on the chat
-- row): concurrent mutations of one chat are serialised without holding a transaction open.
alter table chats add column if not exists message_version integer not null default 0;
