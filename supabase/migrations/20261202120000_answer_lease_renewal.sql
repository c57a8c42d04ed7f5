-- An API process renews the leases of the answers it generates, whoever they belong to: one statement
-- for all of them (one per person, as each person, flooded the pool every renewal at 500 users).
-- It only moves lease_expires_at of rows still streaming whose ids the process names.
create or replace function app_renew_answer_leases(p_ids uuid[], p_until timestamptz)
returns integer
language sql volatile security definer set search_path = public, pg_temp as $$
  with renewed as (
    update chat_messages m
    set lease_expires_at = p_until
    where m.status = 'streaming' and m.id = any (p_ids)
    returning 1
  )
  select count(*)::integer from renewed
$$;

alter function app_renew_answer_leases(uuid[], timestamptz) owner to xqt5_system;
revoke all on function app_renew_answer_leases(uuid[], timestamptz) from public;
do $$
begin
  -- Supabase grants new functions to its API roles by default: its REST API must not reach this one.
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on function app_renew_answer_leases(uuid[], timestamptz) from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on function app_renew_answer_leases(uuid[], timestamptz) from authenticated;
  end if;
end $$;
grant execute on function app_renew_answer_leases(uuid[], timestamptz) to xqt5_runtime;
