-- Budgets: spending limits per organisation, group, user and API key that cannot be overrun.
--
-- A request is admitted by app_budget_admit, which locks every budget that applies to it (in id order,
-- so two admissions never deadlock), checks that each hard one has room for the request's worst-case
-- cost, lowers the completion's max tokens to what the tightest one can still buy, and reserves that
-- worst case on all of them, in one transaction: two replicas or two tabs cannot both take the last
-- room. The usage event of the call (chat_token_usage) settles it in the same transaction as the event:
-- its reservation is released and its real cost added to every budget it counts against, so spent_usd
-- is always the sum of the period's events. Reservations of calls that died are released by
-- app_budget_sweep. Periods follow the organisation's calendar (organizations.time_zone).

alter table organizations add column if not exists time_zone varchar(64) not null default 'Europe/Berlin';
-- The model a hard budget did not allow, when the answer came from the budget's fallback model.
alter table chat_messages add column if not exists budget_fallback_from varchar(100);
-- The reservation an event settles (a chat answer's is its message id; a title's its own).
alter table chat_token_usage add column if not exists reservation_id uuid;

create table if not exists app_budgets (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null default app_current_org_id() references organizations (id) on delete cascade,
  scope varchar(16) not null check (scope in ('ORGANIZATION', 'GROUP', 'USER', 'API_KEY')),
  -- Exactly the target of its scope (none for ORGANIZATION); the budget goes with its target.
  group_id uuid references app_groups (id) on delete cascade,
  user_id uuid references app_users (id) on delete cascade,
  api_key_id uuid references app_api_keys (id) on delete cascade,
  limit_usd numeric(14, 6) not null check (limit_usd > 0),
  period varchar(8) not null check (period in ('DAY', 'WEEK', 'MONTH', 'TOTAL')),
  hard boolean not null default true,
  alert_thresholds integer[] not null default '{50,80,100}'
    check (cardinality(alert_thresholds) <= 10 and 1 <= all (alert_thresholds) and 100 >= all (alert_thresholds)),
  -- Empty: every model counts.
  models text[] not null default '{}',
  fallback_model varchar(100),
  -- Maintained by the triggers and functions below, never by the API.
  period_start timestamptz not null default now(),
  resets_at timestamptz,
  spent_usd numeric(20, 10) not null default 0,
  reserved_usd numeric(20, 10) not null default 0,
  alerted_percent integer not null default 0,
  refused_period_start timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((scope = 'ORGANIZATION' and group_id is null and user_id is null and api_key_id is null)
      or (scope = 'GROUP' and group_id is not null and user_id is null and api_key_id is null)
      or (scope = 'USER' and user_id is not null and group_id is null and api_key_id is null)
      or (scope = 'API_KEY' and api_key_id is not null and group_id is null and user_id is null))
);
create index if not exists app_budgets_org_id_idx on app_budgets (org_id);

-- One row per budget a running request holds room on; gone when the request's event settles it.
create table if not exists app_budget_reservations (
  reservation_id uuid not null,
  budget_id uuid not null references app_budgets (id) on delete cascade,
  org_id uuid not null references organizations (id) on delete cascade,
  amount_usd numeric(20, 10) not null,
  created_at timestamptz not null default now(),
  primary key (reservation_id, budget_id)
);
create index if not exists app_budget_reservations_created_at_idx on app_budget_reservations (created_at);

-- A threshold crossed, once per budget, period and threshold; what it said is kept with it.
create table if not exists app_budget_alerts (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organizations (id) on delete cascade,
  budget_id uuid references app_budgets (id) on delete set null,
  period_start timestamptz not null,
  threshold integer not null,
  payload jsonb not null,
  -- The person whose request crossed it (null: deleted since).
  user_id uuid references app_users (id) on delete set null,
  created_at timestamptz not null default now(),
  mail_claimed_at timestamptz,
  mail_attempts integer not null default 0,
  mailed_at timestamptz,
  unique (budget_id, period_start, threshold)
);
create index if not exists app_budget_alerts_unmailed_idx on app_budget_alerts (created_at) where mailed_at is null;

create table if not exists app_notifications (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organizations (id) on delete cascade,
  user_id uuid not null references app_users (id) on delete cascade,
  kind varchar(32) not null check (kind in ('BUDGET_THRESHOLD')),
  payload jsonb not null,
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index if not exists app_notifications_user_id_created_at_idx on app_notifications (user_id, created_at desc);

-- ---------------------------------------------------------------------------------------------------
-- Periods: calendar boundaries in the organisation's time zone (a day of 23 or 25 hours across a
-- daylight-saving change; weeks start on Monday, months on the 1st).

create or replace function app_budget_period_start(p_period text, p_time_zone text, p_at timestamptz)
returns timestamptz language sql stable as $$
  select case p_period
    when 'DAY' then date_trunc('day', p_at at time zone p_time_zone) at time zone p_time_zone
    when 'WEEK' then date_trunc('week', p_at at time zone p_time_zone) at time zone p_time_zone
    when 'MONTH' then date_trunc('month', p_at at time zone p_time_zone) at time zone p_time_zone
  end
$$;

create or replace function app_budget_period_end(p_period text, p_time_zone text, p_start timestamptz)
returns timestamptz language sql stable as $$
  select case p_period
    when 'DAY' then ((p_start at time zone p_time_zone) + interval '1 day') at time zone p_time_zone
    when 'WEEK' then ((p_start at time zone p_time_zone) + interval '7 days') at time zone p_time_zone
    when 'MONTH' then ((p_start at time zone p_time_zone) + interval '1 month') at time zone p_time_zone
  end
$$;

-- What the events since p_from cost that count against the budget.
create or replace function app_budget_spent_since(b app_budgets, p_from timestamptz)
returns numeric language sql stable security definer set search_path = public, pg_temp as $$
  select coalesce(sum(u.estimated_cost), 0) from chat_token_usage u
  where u.org_id = b.org_id and u.created_at >= p_from
    and (cardinality(b.models) = 0 or u.model = any (b.models))
    and case b.scope
          when 'ORGANIZATION' then true
          when 'GROUP' then b.group_id = any (u.group_ids)
          when 'USER' then u.user_id = b.user_id
          else u.api_key_id = b.api_key_id
        end
$$;

-- A new budget, or one whose period, models or limit changed: the current period from the calendar,
-- its spending so far counted from the events (a budget made on the 15th knows the month's usage).
create or replace function app_budget_prepare() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  zone text;
begin
  if tg_op = 'UPDATE' and new.period is not distinct from old.period
     and new.models is not distinct from old.models and new.limit_usd = old.limit_usd
     and new.alert_thresholds = old.alert_thresholds and not coalesce(current_setting('app.budget_recount', true) = 'on', false) then
    return new;
  end if;
  select o.time_zone into zone from organizations o where o.id = new.org_id;
  if tg_op = 'INSERT' or new.period is distinct from old.period
     or coalesce(current_setting('app.budget_recount', true) = 'on', false) then
    new.period_start := coalesce(app_budget_period_start(new.period, zone, now()),
                                 case when tg_op = 'INSERT' then now() else old.created_at end);
    new.resets_at := app_budget_period_end(new.period, zone, new.period_start);
  end if;
  if tg_op = 'INSERT' then
    new.reserved_usd := 0;
    new.refused_period_start := null;
    -- A TOTAL budget counts from its creation.
    new.spent_usd := case when new.period = 'TOTAL' then 0 else app_budget_spent_since(new, new.period_start) end;
  else
    new.spent_usd := app_budget_spent_since(new, new.period_start);
  end if;
  -- Thresholds already behind it are not announced again (nor those crossed before it existed).
  new.alerted_percent := coalesce((select max(t) from unnest(new.alert_thresholds) t
                                   where new.spent_usd >= new.limit_usd * t / 100.0), 0);
  new.updated_at := now();
  return new;
end $$;
drop trigger if exists app_budget_prepare on app_budgets;
create trigger app_budget_prepare before insert or update on app_budgets
  for each row execute function app_budget_prepare();

-- The organisation's calendar changed: every budget's period follows it.
create or replace function app_budget_time_zone_changed() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.budget_recount', 'on', true);
  update app_budgets set updated_at = now() where org_id = new.id and period <> 'TOTAL';
  perform set_config('app.budget_recount', 'off', true);
  return null;
end $$;
drop trigger if exists app_budget_time_zone_changed on organizations;
create trigger app_budget_time_zone_changed after update of time_zone on organizations
  for each row when (new.time_zone is distinct from old.time_zone)
  execute function app_budget_time_zone_changed();

-- A locked budget whose period has ended starts its new one: nothing spent, thresholds unannounced;
-- what running requests reserved stays reserved (they settle into the period they end in).
create or replace function app_budget_rolled(b app_budgets, p_time_zone text) returns app_budgets
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  rolled app_budgets;
begin
  if b.resets_at is null or b.resets_at > now() then
    return b;
  end if;
  update app_budgets x set period_start = app_budget_period_start(b.period, p_time_zone, now()),
                           resets_at = app_budget_period_end(b.period, p_time_zone,
                                         app_budget_period_start(b.period, p_time_zone, now())),
                           spent_usd = 0, alerted_percent = 0
  where x.id = b.id returning x.* into rolled;
  return rolled;
end $$;

-- The budgets a request or event counts against.
create or replace function app_budgets_applying(p_org_id uuid, p_user_id uuid, p_group_ids uuid[], p_api_key_id uuid,
                                                p_model text)
returns setof uuid language sql stable security definer set search_path = public, pg_temp as $$
  select b.id from app_budgets b
  where b.org_id = p_org_id
    and (cardinality(b.models) = 0 or p_model = any (b.models))
    and (b.scope = 'ORGANIZATION'
         or (b.scope = 'GROUP' and b.group_id = any (p_group_ids))
         or (b.scope = 'USER' and b.user_id = p_user_id)
         or (b.scope = 'API_KEY' and b.api_key_id = p_api_key_id))
$$;

-- ---------------------------------------------------------------------------------------------------
-- Admission

-- Reserves the worst case of the signed-in person's request (p_prompt_usd for the prompt, counted on
-- the safe side, plus p_max_output tokens at p_usd_per_output_token) on every budget that applies.
-- Where a hard budget cannot hold that, the output is lowered to what its room buys; below
-- p_min_output tokens the request is refused, naming the tightest budget. max_output is null when no
-- hard budget applies (nothing to clamp). first_refusal: this period's first refusal by that budget.
create or replace function app_budget_admit(p_reservation_id uuid, p_api_key_id uuid, p_model text,
                                            p_prompt_usd numeric, p_usd_per_output_token numeric,
                                            p_max_output integer, p_min_output integer)
returns table (admitted boolean, max_output integer, budget_id uuid, first_refusal boolean)
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  org uuid := app_current_org_id();
  person uuid := app_current_user_id();
  zone text;
  b app_budgets;
  locked uuid[] := '{}';
  room numeric;
  fits numeric;
  best numeric := p_max_output;
  tightest uuid;
  cost numeric;
begin
  if org is null or person is null then
    raise exception 'budgets admit the requests of a signed-in person' using errcode = '42501';
  end if;
  if p_api_key_id is not null
     and not exists (select 1 from app_api_keys k where k.id = p_api_key_id and k.user_id = person) then
    raise exception 'the API key is not the person''s' using errcode = '42501';
  end if;
  select o.time_zone into zone from organizations o where o.id = org;
  for b in
    select x.* from app_budgets x
    where x.id in (select app_budgets_applying(org, person,
                     array(select m.group_id from app_group_members m where m.user_id = person and m.org_id = org),
                     p_api_key_id, p_model))
    order by x.id for update
  loop
    b := app_budget_rolled(b, zone);
    locked := locked || b.id;
    if b.hard then
      room := b.limit_usd - b.spent_usd - b.reserved_usd - p_prompt_usd;
      fits := case when p_usd_per_output_token > 0 then floor(room / p_usd_per_output_token)
                   when room >= 0 then p_max_output else -1 end;
      if tightest is null or fits < best then
        best := least(fits, p_max_output);
        tightest := b.id;
      end if;
    end if;
  end loop;
  if tightest is not null and best < p_min_output then
    update app_budgets x set refused_period_start = x.period_start
    where x.id = tightest and x.refused_period_start is distinct from x.period_start;
    return query select false, null::integer, tightest, found;
    return;
  end if;
  cost := p_prompt_usd + (case when tightest is null then p_max_output else best end) * greatest(p_usd_per_output_token, 0);
  if cardinality(locked) > 0 then
    update app_budgets x set reserved_usd = x.reserved_usd + cost where x.id = any (locked);
    insert into app_budget_reservations (reservation_id, budget_id, org_id, amount_usd)
    select p_reservation_id, unnest(locked), org, cost
    on conflict do nothing;
  end if;
  return query select true, case when tightest is null then null else best::integer end, null::uuid, false;
end $$;

-- Gives back what a request reserved when it made no provider call after all (nothing to settle).
create or replace function app_budget_release(p_reservation_id uuid) returns integer
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  r record;
  released integer := 0;
begin
  for r in
    select x.id, res.amount_usd from app_budgets x
    join app_budget_reservations res on res.budget_id = x.id and res.reservation_id = p_reservation_id
    where x.org_id = app_current_org_id() or app_current_org_id() is null
    order by x.id for update of x
  loop
    delete from app_budget_reservations where reservation_id = p_reservation_id and budget_id = r.id;
    update app_budgets set reserved_usd = greatest(0, reserved_usd - r.amount_usd) where id = r.id;
    released := released + 1;
  end loop;
  return released;
end $$;

-- Reservations whose request died without an event: older than p_minutes and not of an answer that is
-- still being generated (or whose lease ran out long ago). Run by every replica; harmless twice.
create or replace function app_budget_sweep(p_minutes integer) returns integer
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  r record;
  released integer := 0;
begin
  if app_current_org_id() is not null then
    raise exception 'the sweeper runs outside any request' using errcode = '42501';
  end if;
  for r in
    select distinct res.reservation_id from app_budget_reservations res
    where res.created_at < now() - make_interval(mins => greatest(p_minutes, 1))
      and not exists (select 1 from chat_messages m where m.id = res.reservation_id and m.status = 'streaming'
                        and m.lease_expires_at > now() - interval '10 minutes')
  loop
    released := released + app_budget_release(r.reservation_id);
  end loop;
  return released;
end $$;

-- ---------------------------------------------------------------------------------------------------
-- Settlement, in the transaction of the usage event

create or replace function app_budget_settle() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  zone text;
  key uuid := coalesce(new.reservation_id, new.message_id);
  counting uuid[];
  b app_budgets;
  held numeric;
  crossed integer;
  alert_id uuid;
  payload jsonb;
  target text;
begin
  counting := array(select app_budgets_applying(new.org_id, new.user_id, new.group_ids, new.api_key_id, new.model));
  if cardinality(counting) = 0 and (key is null or not exists (
       select 1 from app_budget_reservations r where r.reservation_id = key)) then
    return null;
  end if;
  select o.time_zone into zone from organizations o where o.id = new.org_id;
  for b in
    select x.* from app_budgets x
    where x.id = any (counting)
       or x.id in (select r.budget_id from app_budget_reservations r where r.reservation_id = key)
    order by x.id for update
  loop
    b := app_budget_rolled(b, zone);
    held := null;
    delete from app_budget_reservations r where r.reservation_id = key and r.budget_id = b.id
      returning r.amount_usd into held;
    update app_budgets x
    set reserved_usd = greatest(0, x.reserved_usd - coalesce(held, 0)),
        spent_usd = x.spent_usd + case when b.id = any (counting) then new.estimated_cost else 0 end
    where x.id = b.id returning x.* into b;
    if not (b.id = any (counting)) or new.estimated_cost <= 0 then
      continue;
    end if;
    crossed := (select max(t) from unnest(b.alert_thresholds) t where b.spent_usd >= b.limit_usd * t / 100.0);
    if crossed is null or crossed <= b.alerted_percent then
      continue;
    end if;
    update app_budgets set alerted_percent = crossed where id = b.id;
    target := case b.scope
      when 'ORGANIZATION' then (select o.name from organizations o where o.id = b.org_id)
      when 'GROUP' then (select g.name from app_groups g where g.id = b.group_id)
      when 'USER' then (select u.username from app_users u where u.id = b.user_id)
      else (select k.name from app_api_keys k where k.id = b.api_key_id)
    end;
    payload := jsonb_build_object('budgetId', b.id, 'scope', b.scope, 'targetName', target,
                                  'threshold', crossed, 'spentUsd', b.spent_usd, 'limitUsd', b.limit_usd,
                                  'resetsAt', b.resets_at, 'hard', b.hard, 'period', b.period, 'timeZone', zone);
    insert into app_budget_alerts (org_id, budget_id, period_start, threshold, payload, user_id)
    values (b.org_id, b.id, b.period_start, crossed, payload, new.user_id)
    on conflict do nothing returning id into alert_id;
    if alert_id is null then
      continue;
    end if;
    -- In-app notices: the people the budget is about, and the admins for group and organisation budgets.
    insert into app_notifications (org_id, user_id, kind, payload)
    select b.org_id, u.id, 'BUDGET_THRESHOLD', payload || jsonb_build_object('alertId', alert_id)
    from app_budget_alert_recipients(b, new.user_id) u;
  end loop;
  return null;
end $$;
drop trigger if exists app_budget_settle on chat_token_usage;
create trigger app_budget_settle after insert on chat_token_usage
  for each row execute function app_budget_settle();

-- Who is told of a budget's threshold: the key's owner, the person, (group and organisation budgets) the
-- person whose request crossed it and the organisation's admins.
create or replace function app_budget_alert_recipients(b app_budgets, p_user_id uuid)
returns table (id uuid, email text) language sql stable security definer set search_path = public, pg_temp as $$
  select u.id, u.email::text from app_users u
  where u.org_id = b.org_id and u.deleted_at is null and u.is_active
    and (case b.scope
           when 'USER' then u.id = b.user_id
           when 'API_KEY' then u.id = (select k.user_id from app_api_keys k where k.id = b.api_key_id)
           else u.id = p_user_id or u.is_admin
         end)
$$;

-- The e-mails of alerts not yet sent (claimed for 10 minutes, at most 3 attempts, for a day): run by
-- the API's mailer outside any request. app_budget_alert_mailed marks one sent.
create or replace function app_budget_alerts_to_mail(p_limit integer)
returns table (id uuid, payload jsonb, recipients text[])
language plpgsql volatile security definer set search_path = public, pg_temp as $$
begin
  if app_current_org_id() is not null then
    raise exception 'alert mail is sent outside any request' using errcode = '42501';
  end if;
  return query
  with claimed as (
    update app_budget_alerts a set mail_claimed_at = now(), mail_attempts = a.mail_attempts + 1
    where a.id in (select x.id from app_budget_alerts x
                   where x.mailed_at is null and x.mail_attempts < 3 and x.created_at > now() - interval '1 day'
                     and (x.mail_claimed_at is null or x.mail_claimed_at < now() - interval '10 minutes')
                   order by x.created_at limit p_limit for update skip locked)
    returning a.*
  )
  select c.id, c.payload,
         array(select r.email from app_budgets b, app_budget_alert_recipients(b, c.user_id) r
               where b.id = c.budget_id and r.email is not null and r.email <> '' order by r.email)
  from claimed c;
end $$;

create or replace function app_budget_alert_mailed(p_id uuid) returns void
language sql volatile security definer set search_path = public, pg_temp as $$
  update app_budget_alerts set mailed_at = now() where id = p_id and app_current_org_id() is null
$$;

-- ---------------------------------------------------------------------------------------------------
-- Access

-- The API writes a budget's settings, never its counters (those are the functions' above).
grant select, insert, delete on app_budgets to xqt5_runtime;
grant update (limit_usd, period, hard, alert_thresholds, models, fallback_model, updated_at) on app_budgets to xqt5_runtime;
grant select, update (read_at) on app_notifications to xqt5_runtime;
grant select on app_budget_alerts, app_budget_reservations to xqt5_runtime;
grant select, insert, update, delete on app_budgets, app_budget_reservations, app_budget_alerts, app_notifications
  to xqt5_system;

do $$
declare
  t text;
begin
  foreach t in array array['app_budgets', 'app_budget_reservations', 'app_budget_alerts', 'app_notifications'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('drop policy if exists system_all on %I', t);
    execute format('create policy system_all on %I to xqt5_system using (true) with check (true)', t);
  end loop;
end $$;

-- Admins see and change all of their organisation's budgets; a member sees those that apply to them.
drop policy if exists admins_change on app_budgets;
create policy admins_change on app_budgets for all to xqt5_runtime
  using (org_id = (select app_current_org_id()) and (select app_current_is_org_admin()))
  with check (org_id = (select app_current_org_id()) and (select app_current_is_org_admin()));
drop policy if exists applying_read on app_budgets;
create policy applying_read on app_budgets for select to xqt5_runtime
  using (org_id = (select app_current_org_id())
         and (scope = 'ORGANIZATION'
              or user_id = (select app_current_user_id())
              or group_id in (select m.group_id from app_group_members m where m.user_id = (select app_current_user_id()))
              or api_key_id in (select k.id from app_api_keys k where k.user_id = (select app_current_user_id()))));
drop policy if exists admins_read on app_budget_alerts;
create policy admins_read on app_budget_alerts for select to xqt5_runtime
  using (org_id = (select app_current_org_id()) and (select app_current_is_org_admin()));
drop policy if exists admins_read on app_budget_reservations;
create policy admins_read on app_budget_reservations for select to xqt5_runtime
  using (org_id = (select app_current_org_id()) and (select app_current_is_org_admin()));
drop policy if exists own_read on app_notifications;
create policy own_read on app_notifications for select to xqt5_runtime
  using (org_id = (select app_current_org_id()) and user_id = (select app_current_user_id()));
drop policy if exists own_mark_read on app_notifications;
create policy own_mark_read on app_notifications for update to xqt5_runtime
  using (org_id = (select app_current_org_id()) and user_id = (select app_current_user_id()))
  with check (org_id = (select app_current_org_id()) and user_id = (select app_current_user_id()));

do $$
declare
  f text;
begin
  foreach f in array array['app_budget_spent_since(app_budgets, timestamptz)', 'app_budget_prepare()',
                           'app_budget_time_zone_changed()', 'app_budget_rolled(app_budgets, text)',
                           'app_budgets_applying(uuid, uuid, uuid[], uuid, text)',
                           'app_budget_admit(uuid, uuid, text, numeric, numeric, integer, integer)',
                           'app_budget_release(uuid)', 'app_budget_sweep(integer)', 'app_budget_settle()',
                           'app_budget_alert_recipients(app_budgets, uuid)', 'app_budget_alerts_to_mail(integer)',
                           'app_budget_alert_mailed(uuid)'] loop
    execute format('alter function %s owner to xqt5_system', f);
    execute format('revoke all on function %s from public', f);
    if exists (select 1 from pg_roles where rolname = 'anon') then
      execute format('revoke all on function %s from anon', f);
    end if;
    if exists (select 1 from pg_roles where rolname = 'authenticated') then
      execute format('revoke all on function %s from authenticated', f);
    end if;
    if f in ('app_budget_admit(uuid, uuid, text, numeric, numeric, integer, integer)', 'app_budget_release(uuid)',
             'app_budget_sweep(integer)', 'app_budget_alerts_to_mail(integer)', 'app_budget_alert_mailed(uuid)') then
      execute format('grant execute on function %s to xqt5_runtime', f);
    end if;
  end loop;
end $$;
