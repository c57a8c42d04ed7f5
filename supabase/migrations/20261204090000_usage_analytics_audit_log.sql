-- Usage analytics and the audit log.
--
-- Usage: chat_token_usage becomes the log of every provider call (one usage event each), with the API
-- key, the user's groups at the time, time to first token, duration and outcome. A daily rollup,
-- written by a trigger in the same transaction as the event, answers the dashboard without reading
-- the events. Events outlive chats (chat_id set null), API keys (no reference) and accounts (soft
-- deletion keeps the user row; a hard deletion leaves user_id null).
--
-- Audit log: append-only (no grant and a trigger refuse UPDATE and DELETE; only the retention function
-- deletes), each entry chained to the previous one of its organisation by a SHA-256 hash, so that an
-- entry altered or removed behind the API's back is named by app_audit_breaks.

-- ---------------------------------------------------------------------------------------------------
-- Usage events

alter table chat_token_usage add column if not exists api_key_id uuid;
alter table chat_token_usage add column if not exists group_ids uuid[] not null default '{}';
alter table chat_token_usage add column if not exists first_token_ms integer;
alter table chat_token_usage add column if not exists duration_ms integer;
-- completed | stopped (by the user) | failed (provider or server error) | interrupted (the process or
-- connection died and recovery settled it)
alter table chat_token_usage add column if not exists outcome varchar(16) not null default 'completed';
alter table chat_token_usage drop constraint if exists chat_token_usage_outcome_check;
alter table chat_token_usage add constraint chat_token_usage_outcome_check
  check (outcome in ('completed', 'stopped', 'failed', 'interrupted'));

alter table chat_token_usage alter column user_id drop not null;
alter table chat_token_usage drop constraint if exists chat_token_usage_user_id_fkey;
alter table chat_token_usage add constraint chat_token_usage_user_id_fkey
  foreign key (user_id) references app_users (id) on delete set null;
create index if not exists chat_token_usage_org_id_created_at_idx on chat_token_usage (org_id, created_at);

-- Time-to-first-token histogram: bucket 1 holds calls faster than the first bound, bucket k (2..20)
-- those from bound k-1 up to (not including) bound k, bucket 21 everything from the last bound on
-- (width_bucket + 1). api/src/usage/first-token-histogram.ts holds the same bounds (a test compares them).
create or replace function app_first_token_bounds() returns integer[]
  language sql immutable parallel safe as $$
  select array[50, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 7500, 10000,
               15000, 20000, 30000, 60000]
$$;

create table if not exists app_usage_daily (
  org_id uuid not null references organizations (id) on delete cascade,
  day date not null,
  user_id uuid,
  api_key_id uuid,
  model varchar(100) not null,
  provider varchar(50) not null,
  group_ids uuid[] not null default '{}',
  requests bigint not null default 0,
  prompt_tokens bigint not null default 0,
  cached_tokens bigint not null default 0,
  completion_tokens bigint not null default 0,
  reasoning_tokens bigint not null default 0,
  cost_usd numeric(24, 10) not null default 0,
  first_token_buckets integer[] not null default array_fill(0, array[21])
);
create unique index if not exists app_usage_daily_key on app_usage_daily
  (org_id, day, user_id, api_key_id, model, provider, group_ids) nulls not distinct;

-- The same, per organisation, day and model only: what the organisation-wide charts read (cost per
-- day by model or provider, top models, totals), a few hundred rows for a quarter whatever the head count.
create table if not exists app_usage_daily_models (
  org_id uuid not null references organizations (id) on delete cascade,
  day date not null,
  model varchar(100) not null,
  provider varchar(50) not null,
  requests bigint not null default 0,
  prompt_tokens bigint not null default 0,
  cached_tokens bigint not null default 0,
  completion_tokens bigint not null default 0,
  reasoning_tokens bigint not null default 0,
  cost_usd numeric(24, 10) not null default 0,
  first_token_buckets integer[] not null default array_fill(0, array[21]),
  primary key (org_id, day, model, provider)
);

-- Before the event is stored: the user's groups as they are now (a later change of membership does
-- not move past usage between groups).
create or replace function app_usage_event_groups() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if new.user_id is not null and coalesce(cardinality(new.group_ids), 0) = 0 then
    new.group_ids := array(select m.group_id from app_group_members m
                           where m.user_id = new.user_id and m.org_id = new.org_id order by m.group_id);
  end if;
  return new;
end $$;
drop trigger if exists app_usage_event_groups on chat_token_usage;
create trigger app_usage_event_groups before insert on chat_token_usage
  for each row execute function app_usage_event_groups();

-- After the event: its day's rollup row, in the same transaction (UTC days). One histogram element
-- is counted up in place.
create or replace function app_usage_event_rollup() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  bucket integer := width_bucket(new.first_token_ms, app_first_token_bounds()) + 1;
  buckets integer[] := array_fill(0, array[21]);
begin
  if bucket is not null then
    buckets[bucket] := 1;
  end if;
  insert into app_usage_daily as d (org_id, day, user_id, api_key_id, model, provider, group_ids, requests,
                                    prompt_tokens, cached_tokens, completion_tokens, reasoning_tokens, cost_usd,
                                    first_token_buckets)
  values (new.org_id, (new.created_at at time zone 'UTC')::date, new.user_id, new.api_key_id, new.model,
          new.provider, new.group_ids, 1, new.prompt_tokens, new.cached_tokens, new.completion_tokens,
          new.reasoning_tokens, new.estimated_cost, buckets)
  on conflict (org_id, day, user_id, api_key_id, model, provider, group_ids) do update set
    requests = d.requests + 1,
    prompt_tokens = d.prompt_tokens + excluded.prompt_tokens,
    cached_tokens = d.cached_tokens + excluded.cached_tokens,
    completion_tokens = d.completion_tokens + excluded.completion_tokens,
    reasoning_tokens = d.reasoning_tokens + excluded.reasoning_tokens,
    cost_usd = d.cost_usd + excluded.cost_usd,
    first_token_buckets[coalesce(bucket, 1)] = d.first_token_buckets[coalesce(bucket, 1)] + (bucket is not null)::integer;
  insert into app_usage_daily_models as m (org_id, day, model, provider, requests, prompt_tokens, cached_tokens,
                                           completion_tokens, reasoning_tokens, cost_usd, first_token_buckets)
  values (new.org_id, (new.created_at at time zone 'UTC')::date, new.model, new.provider, 1, new.prompt_tokens,
          new.cached_tokens, new.completion_tokens, new.reasoning_tokens, new.estimated_cost, buckets)
  on conflict (org_id, day, model, provider) do update set
    requests = m.requests + 1,
    prompt_tokens = m.prompt_tokens + excluded.prompt_tokens,
    cached_tokens = m.cached_tokens + excluded.cached_tokens,
    completion_tokens = m.completion_tokens + excluded.completion_tokens,
    reasoning_tokens = m.reasoning_tokens + excluded.reasoning_tokens,
    cost_usd = m.cost_usd + excluded.cost_usd,
    first_token_buckets[coalesce(bucket, 1)] = m.first_token_buckets[coalesce(bucket, 1)] + (bucket is not null)::integer;
  return null;
end $$;
drop trigger if exists app_usage_event_rollup on chat_token_usage;
create trigger app_usage_event_rollup after insert on chat_token_usage
  for each row execute function app_usage_event_rollup();

-- The names of API keys in a usage report: the organisation's admins see every key's name (usage is
-- theirs to read; the keys themselves stay their owners' private rows), a member only their own.
create or replace function app_api_key_names(p_ids uuid[])
returns table (id uuid, name text, user_id uuid)
language sql stable security definer set search_path = public, pg_temp as $$
  select k.id, k.name::text, k.user_id from app_api_keys k
  where k.id = any (p_ids) and k.org_id = app_current_org_id()
    and (app_current_is_org_admin() or k.user_id = app_current_user_id())
$$;

-- The organisation's figures for its admins: counts only, never the content RLS keeps from them.
create or replace function app_organization_stats()
returns table (users bigint, active_users_7d bigint, chats bigint, messages bigint, assistants bigint,
               templates bigint)
language plpgsql stable security definer set search_path = public, pg_temp as $$
declare
  org uuid := app_current_org_id();
begin
  if not app_current_is_org_admin() then
    raise exception 'only an admin of the organisation reads its figures' using errcode = '42501';
  end if;
  return query select
    (select count(*) from app_users u where u.org_id = org and u.deleted_at is null),
    (select count(*) from app_users u where u.org_id = org and u.deleted_at is null
       and u.last_active_at >= now() - interval '7 days'),
    (select count(*) from chats c where c.org_id = org),
    (select count(*) from chat_messages m where m.org_id = org),
    (select count(*) from assistants a where a.org_id = org),
    (select count(*) from prompt_templates t where t.org_id = org);
end $$;

grant select on app_usage_daily, app_usage_daily_models to xqt5_runtime;
grant select, insert, update, delete on app_usage_daily, app_usage_daily_models to xqt5_system;
alter table app_usage_daily enable row level security;
alter table app_usage_daily force row level security;
alter table app_usage_daily_models enable row level security;
alter table app_usage_daily_models force row level security;
drop policy if exists system_all on app_usage_daily;
create policy system_all on app_usage_daily to xqt5_system using (true) with check (true);
drop policy if exists system_all on app_usage_daily_models;
create policy system_all on app_usage_daily_models to xqt5_system using (true) with check (true);
drop policy if exists own_or_admin on app_usage_daily;
create policy own_or_admin on app_usage_daily for select to xqt5_runtime
  using (org_id = (select app_current_org_id())
         and (user_id = (select app_current_user_id()) or (select app_current_is_org_admin())));
-- Everyone's usage together: the organisation's admins only.
drop policy if exists admins_read on app_usage_daily_models;
create policy admins_read on app_usage_daily_models for select to xqt5_runtime
  using (org_id = (select app_current_org_id()) and (select app_current_is_org_admin()));

-- The rollup rebuilt from the events (all of them, or one organisation's): for the existing events now,
-- and for an operator who bulk-loaded events with triggers off. Only the owner may run it.
create or replace function app_rebuild_usage_daily(p_org_id uuid default null) returns bigint
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  written bigint;
  buckets text;
begin
  select string_agg(format('count(*) filter (where width_bucket(first_token_ms, app_first_token_bounds()) = %s)::integer', i),
                    ', ' order by i)
  into buckets from generate_series(0, 20) as i;
  delete from app_usage_daily where p_org_id is null or org_id = p_org_id;
  execute format(
    'insert into app_usage_daily (org_id, day, user_id, api_key_id, model, provider, group_ids, requests,
                                  prompt_tokens, cached_tokens, completion_tokens, reasoning_tokens, cost_usd,
                                  first_token_buckets)
     select org_id, (created_at at time zone ''UTC'')::date, user_id, api_key_id, model, provider, group_ids, count(*),
            sum(prompt_tokens), sum(cached_tokens), sum(completion_tokens), sum(reasoning_tokens), sum(estimated_cost),
            array[%s]
     from chat_token_usage
     where $1 is null or org_id = $1
     group by 1, 2, 3, 4, 5, 6, 7', buckets) using p_org_id;
  get diagnostics written = row_count;
  delete from app_usage_daily_models where p_org_id is null or org_id = p_org_id;
  execute format(
    'insert into app_usage_daily_models (org_id, day, model, provider, requests, prompt_tokens, cached_tokens,
                                         completion_tokens, reasoning_tokens, cost_usd, first_token_buckets)
     select org_id, day, model, provider, sum(requests), sum(prompt_tokens), sum(cached_tokens),
            sum(completion_tokens), sum(reasoning_tokens), sum(cost_usd), array[%s]
     from app_usage_daily
     where $1 is null or org_id = $1
     group by 1, 2, 3, 4',
    (select string_agg(format('sum(first_token_buckets[%s])::integer', i), ', ' order by i)
     from generate_series(1, 21) as i)) using p_org_id;
  return written;
end $$;
-- Owned by xqt5_system (its policies see every row) and not granted to the runtime role: the migrating
-- role, a member of xqt5_system, runs it.
alter function app_rebuild_usage_daily(uuid) owner to xqt5_system;
revoke all on function app_rebuild_usage_daily(uuid) from public;

do $$
begin
  if not exists (select 1 from app_usage_daily) then
    perform app_rebuild_usage_daily();
  end if;
end $$;

-- ---------------------------------------------------------------------------------------------------
-- Audit log

create sequence if not exists app_audit_log_seq;

create table if not exists app_audit_log (
  id uuid primary key default gen_random_uuid(),
  -- Position in the chain (a global sequence; within an organisation, the order entries were chained).
  seq bigint not null unique,
  -- null: platform events (organisations), seen by platform operators. No reference: entries outlive
  -- what they are about, the organisation included.
  org_id uuid,
  at timestamptz not null default now(),
  action varchar(64) not null check (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
  outcome varchar(8) not null check (outcome in ('success', 'failure', 'denied')),
  reason varchar(500),
  actor_type varchar(16) not null check (actor_type in ('user', 'api_key', 'system', 'anonymous')),
  actor_id uuid,
  -- The person behind an API key (actor_id is then the key).
  actor_user_id uuid,
  actor_label varchar(200),
  target_type varchar(32),
  target_id varchar(200),
  target_label varchar(200),
  request_id varchar(100),
  ip varchar(64),
  user_agent varchar(500),
  -- Redacted before/after of a change: { field: { before, after } }; never secrets or content.
  changes jsonb,
  prev_hash text,
  hash text not null
);
create index if not exists app_audit_log_org_id_seq_idx on app_audit_log (org_id, seq);
create index if not exists app_audit_log_org_id_at_idx on app_audit_log (org_id, at);
create index if not exists app_audit_log_org_id_action_idx on app_audit_log (org_id, action, seq);

-- What an entry's hash covers: every column but the hash itself, in an unambiguous form.
create or replace function app_audit_hash(e app_audit_log) returns text
  language sql immutable as $$
  select encode(sha256(convert_to(jsonb_build_array(
    e.seq, e.org_id, extract(epoch from e.at)::text, e.action, e.outcome, e.reason, e.actor_type, e.actor_id,
    e.actor_user_id, e.actor_label, e.target_type, e.target_id, e.target_label, e.request_id, e.ip,
    e.user_agent, e.changes, e.prev_hash)::text, 'UTF8')), 'hex')
$$;

-- Chains a new entry: one writer per organisation at a time (an advisory lock until commit), the
-- previous entry's hash, the next position, then its own hash.
create or replace function app_audit_chain() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform pg_advisory_xact_lock(hashtextextended('app_audit_log:' || coalesce(new.org_id::text, 'platform'), 0));
  if new.org_id is null then
    select l.hash into new.prev_hash from app_audit_log l where l.org_id is null order by l.seq desc limit 1;
  else
    select l.hash into new.prev_hash from app_audit_log l where l.org_id = new.org_id order by l.seq desc limit 1;
  end if;
  -- Names as they are now (a later rename or deletion does not rewrite history).
  if new.actor_label is null and new.actor_type = 'user' then
    select u.username into new.actor_label from app_users u where u.id = new.actor_id;
  elsif new.actor_label is null and new.actor_type = 'api_key' then
    select k.name || ' (' || u.username || ')' into new.actor_label
    from app_api_keys k join app_users u on u.id = k.user_id where k.id = new.actor_id;
  end if;
  if new.target_label is null and new.target_type = 'user'
     and new.target_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    select u.username into new.target_label from app_users u where u.id = new.target_id::uuid;
  end if;
  new.seq := nextval('app_audit_log_seq');
  new.at := clock_timestamp();
  new.hash := app_audit_hash(new);
  return new;
end $$;
drop trigger if exists app_audit_chain on app_audit_log;
create trigger app_audit_chain before insert on app_audit_log for each row execute function app_audit_chain();

-- Append-only, whoever asks; the one exception is app_prune_audit_log, which sets app.audit_pruning.
create or replace function app_audit_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and current_setting('app.audit_pruning', true) = 'on' then
    return old;
  end if;
  raise exception 'the audit log is append-only' using errcode = '42501';
end $$;
drop trigger if exists app_audit_append_only on app_audit_log;
create trigger app_audit_append_only before update or delete on app_audit_log
  for each row execute function app_audit_append_only();
drop trigger if exists app_audit_no_truncate on app_audit_log;
create trigger app_audit_no_truncate before truncate on app_audit_log
  for each statement execute function app_audit_append_only();

-- Writes one entry (the API's only way in). Entries belong to the caller's organisation; before anyone
-- is known (a sign-in), to the organisation of the account named, and only for auth.* actions.
create or replace function app_audit_append(p_org_id uuid, p_action text, p_outcome text, p_reason text,
                                            p_actor_type text, p_actor_id uuid, p_actor_user_id uuid,
                                            p_actor_label text, p_target_type text, p_target_id text,
                                            p_target_label text, p_request_id text, p_ip text,
                                            p_user_agent text, p_changes jsonb)
returns uuid
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  entry_id uuid;
begin
  -- coalesce: a comparison with a null organisation is unknown, which must refuse, not pass.
  if not coalesce(p_org_id = app_current_org_id()
                  or (p_org_id is null and app_current_is_platform_admin())
                  or (app_current_org_id() is null and p_action like 'auth.%'), false) then
    raise exception 'an audit entry belongs to the organisation of the request' using errcode = '42501';
  end if;
  insert into app_audit_log (org_id, action, outcome, reason, actor_type, actor_id, actor_user_id, actor_label,
                             target_type, target_id, target_label, request_id, ip, user_agent, changes, seq, hash)
  values (p_org_id, p_action, p_outcome, left(p_reason, 500), p_actor_type, p_actor_id, p_actor_user_id,
          left(p_actor_label, 200), p_target_type, left(p_target_id, 200), left(p_target_label, 200),
          left(p_request_id, 100), left(p_ip, 64), left(p_user_agent, 500), p_changes, 0, '')
  returning id into entry_id;
  return entry_id;
end $$;

-- The first broken link of each organisation's chain (entries at or after p_from, before p_to): an
-- entry whose content no longer matches its hash ('altered'), or whose predecessor is not the one it
-- was chained to ('chain': an entry removed or inserted). Runs as the caller: an admin checks their
-- organisation's chain, the owner (npm run audit:verify) every chain.
create or replace function app_audit_breaks(p_from timestamptz, p_to timestamptz)
returns table (org_id uuid, checked bigint, broken_id uuid, broken_seq bigint, broken_at timestamptz,
               broken_action text, problem text)
language sql stable as $$
  with chain as (
    select e.*, app_audit_hash(e) as computed,
           lag(e.hash) over (partition by e.org_id order by e.seq) as previous,
           row_number() over (partition by e.org_id order by e.seq) as position
    from app_audit_log e
    where e.at < coalesce(p_to, 'infinity')
  ), checked as (
    select c.*, case when c.hash <> c.computed then 'altered'
                     when c.position > 1 and c.prev_hash is distinct from c.previous then 'chain' end as problem
    from chain c where c.at >= coalesce(p_from, '-infinity')
  ), organizations_checked as (
    select c.org_id, count(*) as checked from checked c group by c.org_id
  )
  select o.org_id, o.checked, b.id, b.seq, b.at, b.action::text, b.problem
  from organizations_checked o
  left join lateral (select c.id, c.seq, c.at, c.action, c.problem from checked c
                     where c.org_id is not distinct from o.org_id and c.problem is not null
                     order by c.seq limit 1) as b on true
$$;

-- Retention: entries older than the organisation's retention (default p_default_days) are deleted, and
-- the deletion itself is recorded in the chain. The one path allowed to delete.
-- At least 30 days, whoever asks: the runtime role may run retention, and must not be able to shorten it
-- into wiping the evidence (the settings form and AUDIT_RETENTION_DAYS have the same floor).
alter table organizations add column if not exists audit_retention_days integer
  check (audit_retention_days is null or audit_retention_days between 30 and 36500);
create or replace function app_prune_audit_log(p_default_days integer)
returns bigint
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  target record;
  removed bigint;
  total bigint := 0;
begin
  perform set_config('app.audit_pruning', 'on', true);
  for target in
    select distinct l.org_id, greatest(coalesce(o.audit_retention_days, p_default_days), 30) as days
    from app_audit_log l left join organizations o on o.id = l.org_id
  loop
    delete from app_audit_log l
    where l.org_id is not distinct from target.org_id and l.at < now() - make_interval(days => target.days);
    get diagnostics removed = row_count;
    if removed > 0 then
      insert into app_audit_log (org_id, action, outcome, actor_type, actor_label, changes, seq, hash)
      values (target.org_id, 'audit.pruned', 'success', 'system', 'retention',
              jsonb_build_object('removed', removed, 'retentionDays', target.days), 0, '');
      total := total + removed;
    end if;
  end loop;
  perform set_config('app.audit_pruning', 'off', true);
  return total;
end $$;

grant select, insert on app_audit_log to xqt5_runtime;
grant select, insert, delete on app_audit_log to xqt5_system;
grant usage on sequence app_audit_log_seq to xqt5_runtime, xqt5_system;
alter table app_audit_log enable row level security;
alter table app_audit_log force row level security;
drop policy if exists system_all on app_audit_log;
create policy system_all on app_audit_log to xqt5_system using (true) with check (true);
-- An organisation's admins read its entries; platform operators the platform's.
drop policy if exists admins_read on app_audit_log;
create policy admins_read on app_audit_log for select to xqt5_runtime
  using ((org_id = (select app_current_org_id()) and (select app_current_is_org_admin()))
         or (org_id is null and (select app_current_is_platform_admin())));
drop policy if exists own_organization on app_audit_log;
create policy own_organization on app_audit_log for insert to xqt5_runtime
  with check (org_id = (select app_current_org_id()));

do $$
declare
  f text;
begin
  foreach f in array array['app_usage_event_groups()', 'app_usage_event_rollup()', 'app_api_key_names(uuid[])',
                           'app_organization_stats()', 'app_audit_chain()',
                           'app_audit_append(uuid, text, text, text, text, uuid, uuid, text, text, text, text, text, text, text, jsonb)',
                           'app_prune_audit_log(integer)', 'app_rebuild_usage_daily(uuid)'] loop
    execute format('alter function %s owner to xqt5_system', f);
    execute format('revoke all on function %s from public', f);
    if exists (select 1 from pg_roles where rolname = 'anon') then
      execute format('revoke all on function %s from anon', f);
    end if;
    if exists (select 1 from pg_roles where rolname = 'authenticated') then
      execute format('revoke all on function %s from authenticated', f);
    end if;
    if f not in ('app_usage_event_groups()', 'app_usage_event_rollup()', 'app_audit_chain()',
                 'app_rebuild_usage_daily(uuid)') then
      execute format('grant execute on function %s to xqt5_runtime', f);
    end if;
  end loop;
end $$;
