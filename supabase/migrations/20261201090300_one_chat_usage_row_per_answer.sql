-- Every answer is billed exactly once: its generator records the call, and recovery (for an answer
-- whose process died) records an estimate only if nothing is there yet. The index lets the second of
-- the two notice. A pair left over from before (a double count) keeps both rows, one of them detached
-- from the message, so no recorded cost is dropped.
update chat_token_usage as later
set message_id = null
where later.purpose = 'chat'
  and later.message_id is not null
  and exists (
    select 1 from chat_token_usage as earlier
    where earlier.purpose = 'chat'
      and earlier.message_id = later.message_id
      and (earlier.created_at, earlier.id) < (later.created_at, later.id)
  );

create unique index if not exists chat_token_usage_chat_message_id_key
  on chat_token_usage (message_id) where purpose = 'chat';
