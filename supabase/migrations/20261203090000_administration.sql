-- Administration: groups of people, the organisation's models and prices, provider keys kept encrypted,
-- password reset links, and the organisation's own settings. Every table carries org_id and row-level
-- security from the start; an organisation's admins change them, its members read what using the
-- platform needs (which models exist for them, the provider keys the API decrypts for their requests).

-- People: when they last used the platform, and whether they were deleted (soft: the row stays for
-- the usage reports; erasing their data anonymises it).
alter table app_users add column if not exists last_active_at timestamptz;
alter table app_users add column if not exists deleted_at timestamptz;

-- The organisation's own settings (null: the server's).
alter table organizations add column if not exists default_model varchar(200);
alter table organizations add column if not exists default_temperature numeric(3, 2)
  check (default_temperature is null or default_temperature between 0 and 2);
alter table organizations add column if not exists registration_open boolean not null default true;

create table if not exists app_groups (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null default app_current_org_id() references organizations (id) on delete cascade,
  name varchar(100) not null check (char_length(btrim(name)) between 1 and 100),
  description varchar(500) not null default '',
  created_at timestamptz not null default now()
);
create unique index if not exists app_groups_org_id_name_key on app_groups (org_id, lower(name));
create unique index if not exists app_groups_id_org_id_key on app_groups (id, org_id);

create table if not exists app_group_members (
  group_id uuid not null,
  user_id uuid not null,
  org_id uuid not null default app_current_org_id() references organizations (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (group_id, user_id),
  foreign key (group_id, org_id) references app_groups (id, org_id) on delete cascade,
  foreign key (user_id, org_id) references app_users (id, org_id) on delete cascade
);
create index if not exists app_group_members_user_id_idx on app_group_members (user_id);

-- A model as the organisation configured it. No row: the catalogue's defaults (enabled, its name).
create table if not exists app_model_configs (
  org_id uuid not null default app_current_org_id() references organizations (id) on delete cascade,
  model_id varchar(200) not null check (model_id ~ '^[a-z]+/.+'),
  enabled boolean not null default true,
  display_name varchar(100),
  sort_order integer not null default 0,
  is_free boolean not null default false,
  -- Loaded from the provider's live list (not in the catalogue).
  discovered boolean not null default false,
  context_window integer,
  updated_at timestamptz not null default now(),
  primary key (org_id, model_id)
);

-- Which groups may use a model; none: everyone of the organisation.
create table if not exists app_model_group_access (
  org_id uuid not null default app_current_org_id() references organizations (id) on delete cascade,
  model_id varchar(200) not null,
  group_id uuid not null,
  primary key (org_id, model_id, group_id),
  foreign key (group_id, org_id) references app_groups (id, org_id) on delete cascade
);

-- Price versions: a new price applies from valid_from on; rows are never changed (a correction is a
-- new version), so every usage row keeps the price it was billed at.
create table if not exists app_model_prices (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null default app_current_org_id() references organizations (id) on delete cascade,
  model_id varchar(200) not null,
  input_per_mtok numeric(12, 6) not null check (input_per_mtok >= 0),
  cached_input_per_mtok numeric(12, 6) not null check (cached_input_per_mtok >= 0),
  output_per_mtok numeric(12, 6) not null check (output_per_mtok >= 0),
  valid_from timestamptz not null default now(),
  created_by uuid,
  created_at timestamptz not null default now()
);
create index if not exists app_model_prices_lookup_idx on app_model_prices (org_id, model_id, valid_from desc);
create unique index if not exists app_model_prices_id_org_id_key on app_model_prices (id, org_id);

-- The price a usage row was billed at (null: the catalogue's list price).
alter table chat_token_usage add column if not exists price_id uuid;
alter table chat_token_usage drop constraint if exists chat_token_usage_price_id_fkey;
alter table chat_token_usage add constraint chat_token_usage_price_id_fkey
  foreign key (price_id, org_id) references app_model_prices (id, org_id);

-- A provider's key for the organisation: encrypted (api/src/security/secret-box.ts), the row's id,
-- organisation and provider bound in, so that a ciphertext copied to another row does not decrypt.
create table if not exists app_provider_connections (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null default app_current_org_id() references organizations (id) on delete cascade,
  provider varchar(16) not null
    check (provider in ('openai', 'anthropic', 'google', 'mistral', 'xai', 'azure', 'ollama')),
  secret_ciphertext bytea,
  secret_wrapped_key bytea,
  secret_key_id varchar(32),
  key_hint varchar(4),
  base_url varchar(500),
  deployments text[] not null default '{}',
  last_tested_at timestamptz,
  last_test_ok boolean,
  last_error varchar(500),
  updated_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  unique (org_id, provider),
  check ((secret_ciphertext is null) = (secret_wrapped_key is null)
         and (secret_ciphertext is null) = (secret_key_id is null))
);

-- One-time links to choose a new password, made by an admin; only the token's hash is kept.
create table if not exists app_password_resets (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null default app_current_org_id() references organizations (id) on delete cascade,
  user_id uuid not null,
  token_hash text not null unique,
  created_by uuid,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  foreign key (user_id, org_id) references app_users (id, org_id) on delete cascade
);

grant select, insert, update, delete on app_groups, app_group_members, app_model_configs,
  app_model_group_access, app_provider_connections to xqt5_runtime;
grant select, insert on app_model_prices to xqt5_runtime;
grant select, insert, update on app_password_resets to xqt5_runtime;
grant select, insert, update, delete on app_groups, app_group_members, app_model_configs,
  app_model_group_access, app_model_prices, app_provider_connections, app_password_resets to xqt5_system;

do $$
declare
  t text;
begin
  foreach t in array array['app_groups', 'app_group_members', 'app_model_configs', 'app_model_group_access',
                           'app_model_prices', 'app_provider_connections', 'app_password_resets'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('drop policy if exists system_all on %I', t);
    execute format('create policy system_all on %I to xqt5_system using (true) with check (true)', t);
  end loop;
  -- Read by everyone of the organisation (which models they may use, with which key and price);
  -- changed by its admins only.
  foreach t in array array['app_groups', 'app_group_members', 'app_model_configs', 'app_model_group_access',
                           'app_model_prices', 'app_provider_connections'] loop
    execute format('drop policy if exists members_read on %I', t);
    execute format(
      'create policy members_read on %I for select to xqt5_runtime
         using (org_id = (select app_current_org_id()))', t);
    execute format('drop policy if exists admins_change on %I', t);
    execute format(
      'create policy admins_change on %I for all to xqt5_runtime
         using (org_id = (select app_current_org_id()) and (select app_current_is_org_admin()))
         with check (org_id = (select app_current_org_id()) and (select app_current_is_org_admin()))', t);
  end loop;
end $$;
-- Reset links: the organisation's admins only (a link is redeemed through a named path below).
drop policy if exists admins_reset on app_password_resets;
create policy admins_reset on app_password_resets to xqt5_runtime
  using (org_id = (select app_current_org_id()) and (select app_current_is_org_admin()))
  with check (org_id = (select app_current_org_id()) and (select app_current_is_org_admin()));

-- An organisation's admins change its settings (default model and temperature, registration), not
-- whether it is active or its short name: those are the platform operators'.
drop policy if exists admins_change_settings on organizations;
create policy admins_change_settings on organizations for update to xqt5_runtime
  using (id = (select app_current_org_id()) and (select app_current_is_org_admin()))
  with check (id = (select app_current_org_id()));
create or replace function organizations_guard() returns trigger language plpgsql as $$
begin
  if current_user = 'xqt5_runtime' and not app_current_is_platform_admin()
     and (new.is_active is distinct from old.is_active or new.slug is distinct from old.slug) then
    raise exception 'only a platform operator activates organisations and changes their short name'
      using errcode = '42501';
  end if;
  return new;
end $$;
drop trigger if exists organizations_guard on organizations;
create trigger organizations_guard before update on organizations for each row execute function organizations_guard();

-- Deleting an account is an admin's decision, like deactivating it (app_users_guard covers roles and
-- activity; this covers deleted_at).
create or replace function app_users_deletion_guard() returns trigger language plpgsql as $$
begin
  if current_user = 'xqt5_runtime' and new.deleted_at is distinct from old.deleted_at
     and not app_current_is_org_admin() then
    raise exception 'only an admin of the organisation deletes accounts' using errcode = '42501';
  end if;
  return new;
end $$;
drop trigger if exists app_users_deletion_guard on app_users;
create trigger app_users_deletion_guard before update of deleted_at on app_users
  for each row execute function app_users_deletion_guard();

-- Usage is billed at the price version that applied: never changed afterwards.
revoke update, delete on app_model_prices from xqt5_runtime;

-- An organisation always keeps an active admin: demoting, deactivating or deleting its last one is
-- refused, also when two admins demote each other at the same moment (the lock orders them).
create or replace function app_users_keep_an_admin() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if old.is_admin and old.is_active and old.deleted_at is null
     and not (new.is_admin and new.is_active and new.deleted_at is null) then
    perform pg_advisory_xact_lock(hashtext('org-admins:' || old.org_id::text));
    if not exists (select 1 from app_users u
                   where u.org_id = old.org_id and u.id <> old.id
                     and u.is_admin and u.is_active and u.deleted_at is null) then
      raise exception 'LAST_ADMIN: the organisation would have no admin left' using errcode = 'P0001';
    end if;
  end if;
  return new;
end $$;
drop trigger if exists app_users_keep_an_admin on app_users;
create trigger app_users_keep_an_admin before update of is_admin, is_active, deleted_at on app_users
  for each row execute function app_users_keep_an_admin();

-- Redeems a reset link: a new password, every session and access token of the account ended.
-- outcome: changed | unknown | used | expired | inactive
create or replace function app_redeem_password_reset(p_token_hash text, p_password_hash text)
returns table (outcome text, user_id uuid)
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  reset app_password_resets%rowtype;
begin
  select * into reset from app_password_resets r where r.token_hash = p_token_hash for update;
  if not found then return query select 'unknown'::text, null::uuid; return; end if;
  if reset.used_at is not null then return query select 'used'::text, null::uuid; return; end if;
  if reset.expires_at <= now() then return query select 'expired'::text, null::uuid; return; end if;
  if not exists (select 1 from app_users u join organizations o on o.id = u.org_id
                 where u.id = reset.user_id and u.is_active and u.deleted_at is null and o.is_active) then
    return query select 'inactive'::text, null::uuid; return;
  end if;
  -- Every other link of the account ends with this one.
  update app_password_resets set used_at = now() where app_password_resets.user_id = reset.user_id and used_at is null;
  update app_users set password_hash = p_password_hash, token_version = token_version + 1, updated_at = now()
  where id = reset.user_id;
  update app_sessions set revoked_at = now(), revoked_reason = 'password_reset'
  where app_sessions.user_id = reset.user_id and revoked_at is null;
  -- A reset is often asked for after an account was taken over: its API keys end too.
  update app_api_keys set revoked_at = now() where app_api_keys.user_id = reset.user_id and revoked_at is null;
  return query select 'changed'::text, reset.user_id;
end $$;

-- When someone last used the platform: sign-ins and token refreshes (the API's own role may only
-- change its own row's roles through app_users_guard; this names the one column it moves).
create or replace function app_touch_last_active(p_user_id uuid)
returns void
language sql volatile security definer set search_path = public, pg_temp as $$
  update app_users set last_active_at = now()
  where id = p_user_id and (last_active_at is null or last_active_at < now() - interval '1 minute')
$$;

-- An admin ends the access of a person of their organisation (deactivated or deleted): sessions and API
-- keys are the person's own rows, which row-level security keeps from everyone else.
create or replace function app_end_account_access(p_user_id uuid, p_reason text)
returns void
language plpgsql volatile security definer set search_path = public, pg_temp as $$
begin
  if not app_current_is_org_admin()
     or not exists (select 1 from app_users u where u.id = p_user_id and u.org_id = app_current_org_id()) then
    raise exception 'only an admin of the organisation ends the access of its people' using errcode = '42501';
  end if;
  update app_sessions set revoked_at = now(), revoked_reason = p_reason
  where user_id = p_user_id and revoked_at is null;
  update app_api_keys set revoked_at = now() where user_id = p_user_id and revoked_at is null;
end $$;

-- Erasing a deleted person's data on request: their chats (with the messages) and personal assistants
-- and templates. Usage rows stay (without the chat) for the reports; shared items stay.
create or replace function app_erase_account_data(p_user_id uuid)
returns void
language plpgsql volatile security definer set search_path = public, pg_temp as $$
begin
  if not app_current_is_org_admin()
     or not exists (select 1 from app_users u where u.id = p_user_id and u.org_id = app_current_org_id()
                    and u.deleted_at is not null) then
    raise exception 'only an admin of the organisation erases the data of a deleted account' using errcode = '42501';
  end if;
  delete from chats where user_id = p_user_id;
  delete from assistants where user_id = p_user_id and not is_global;
  delete from prompt_templates where user_id = p_user_id and not is_global;
end $$;

-- Registration without an invitation also asks the default organisation (its admins may close it).
create or replace function app_register_account(p_id uuid, p_username text, p_username_key text, p_email text,
                                                p_password_hash text, p_invitation_hash text, p_open boolean)
returns table (outcome text, org_id uuid)
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  invitation app_invitations%rowtype;
  target_org uuid := '0e5a0000-0000-4000-8000-000000000001';
  target_admin boolean := false;
  first boolean := false;
begin
  if p_invitation_hash is not null then
    select * into invitation from app_invitations i where i.token_hash = p_invitation_hash for update;
    if not found then return query select 'invitation_unknown'::text, null::uuid; return; end if;
    if invitation.revoked_at is not null then return query select 'invitation_revoked'::text, null::uuid; return; end if;
    if invitation.accepted_at is not null then return query select 'invitation_used'::text, null::uuid; return; end if;
    if invitation.expires_at <= now() then return query select 'invitation_expired'::text, null::uuid; return; end if;
    if lower(invitation.email) <> lower(p_email) then
      return query select 'invitation_email'::text, null::uuid; return;
    end if;
    target_org := invitation.org_id;
    target_admin := invitation.role = 'admin';
  else
    insert into app_first_account (claimed, org_id) values (true, target_org)
    on conflict do nothing returning true into first;
    first := coalesce(first, false);
    -- Open registration needs the server (ALLOW_REGISTRATION) and the default organisation to allow it.
    if not first and not (p_open and (select o.registration_open from organizations o where o.id = target_org)) then
      return query select 'registration_closed'::text, null::uuid; return;
    end if;
  end if;
  if not (select o.is_active from organizations o where o.id = target_org) then
    return query select 'organization_inactive'::text, null::uuid; return;
  end if;
  insert into app_users (id, org_id, username, username_key, email, password_hash, is_admin, is_platform_admin)
  values (p_id, target_org, p_username, p_username_key, p_email, p_password_hash, target_admin or first, first);
  if first then
    update app_first_account set user_id = p_id where claimed;
  end if;
  if p_invitation_hash is not null then
    update app_invitations set accepted_at = now(), accepted_by = p_id where id = invitation.id;
  end if;
  return query select 'created'::text, target_org;
end $$;

-- Which key-encryption keys the stored provider keys need (the start-up check: a wrong ENCRYPTION_KEY
-- is reported before anyone uses a key). Names key ids only, nothing secret.
create or replace function app_provider_key_ids()
returns table (key_id text, key_count bigint)
language sql stable security definer set search_path = public, pg_temp as $$
  select secret_key_id, count(*) from app_provider_connections
  where secret_key_id is not null group by secret_key_id
$$;

-- Key rotation (npm run keys:rotate): every stored key, sealed, and a compare-and-set that replaces
-- one's wrapped data key. All of it is encrypted by the server's key, which the database never holds.
create or replace function app_provider_sealed_keys()
returns table (id uuid, org_id uuid, provider text, secret_ciphertext bytea, secret_wrapped_key bytea,
               secret_key_id text)
language sql stable security definer set search_path = public, pg_temp as $$
  select id, org_id, provider, secret_ciphertext, secret_wrapped_key, secret_key_id from app_provider_connections
  where secret_key_id is not null order by id
$$;
create or replace function app_rewrap_provider_key(p_id uuid, p_old_key_id text, p_wrapped_key bytea, p_key_id text)
returns boolean
language sql volatile security definer set search_path = public, pg_temp as $$
  with changed as (
    update app_provider_connections set secret_wrapped_key = p_wrapped_key, secret_key_id = p_key_id
    where id = p_id and secret_key_id = p_old_key_id
    returning 1
  )
  select exists (select 1 from changed)
$$;

do $$
declare
  f text;
begin
  foreach f in array array['app_users_keep_an_admin()', 'app_redeem_password_reset(text, text)',
                           'app_touch_last_active(uuid)', 'app_provider_key_ids()',
                           'app_end_account_access(uuid, text)', 'app_erase_account_data(uuid)',
                           'app_provider_sealed_keys()', 'app_rewrap_provider_key(uuid, text, bytea, text)'] loop
    execute format('alter function %s owner to xqt5_system', f);
    execute format('revoke all on function %s from public', f);
    if exists (select 1 from pg_roles where rolname = 'anon') then
      execute format('revoke all on function %s from anon', f);
    end if;
    if exists (select 1 from pg_roles where rolname = 'authenticated') then
      execute format('revoke all on function %s from authenticated', f);
    end if;
    if f <> 'app_users_keep_an_admin()' then
      execute format('grant execute on function %s to xqt5_runtime', f);
    end if;
  end loop;
end $$;
