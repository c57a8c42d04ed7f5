-- Row-level security: Postgres itself keeps the organisations apart, so a bug in the API cannot leak
-- another tenant's rows, and Supabase's REST API (roles anon and authenticated) sees nothing of ours.
--
-- Two roles, neither can log in:
--   xqt5_runtime  the API's role for every query it runs on behalf of a request (api/src/db/
--                 identity-adapter.ts switches to it in each transaction). No BYPASSRLS, owns nothing;
--                 policies admit only rows of the organisation (and, for private rows, the user) that
--                 the API set for the transaction (app.org_id, app.user_id, app.org_admin,
--                 app.platform_admin).
--   xqt5_system   owns the few SECURITY DEFINER functions below, the named paths that must cross
--                 tenants or act before anyone is known: looking up an account to sign in, registering,
--                 an API key, start-up recovery of interrupted answers, member counts. Review each.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'xqt5_runtime') then
    create role xqt5_runtime nologin nobypassrls;
  end if;
exception when duplicate_object or unique_violation then null; -- another database of the cluster made it
end $$;
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'xqt5_system') then
    create role xqt5_system nologin nobypassrls;
  end if;
exception when duplicate_object or unique_violation then null;
end $$;
-- The migrating role hands functions to xqt5_system and lets the API's login switch to xqt5_runtime.
do $$
begin
  if not (select rolsuper from pg_roles where rolname = current_user) then
    execute format('grant xqt5_system, xqt5_runtime to %I', current_user);
  end if;
end $$;

grant usage on schema public to xqt5_runtime, xqt5_system;
grant execute on function app_current_org_id(), app_current_user_id(), app_current_is_org_admin(),
  app_current_is_platform_admin() to xqt5_runtime, xqt5_system;

grant select, insert, update on organizations to xqt5_runtime;
grant select, update on app_users to xqt5_runtime;
grant select, insert, update, delete on app_sessions, app_api_keys, assistants, prompt_templates, chats,
  chat_messages, app_invitations to xqt5_runtime;
grant select, insert on chat_token_usage to xqt5_runtime;
-- Readable (it shows nothing: no policy admits the runtime role), so that every table answers a count.
grant select on app_first_account to xqt5_runtime;
grant select, insert, update, delete on organizations, app_users, app_sessions, app_api_keys, assistants,
  prompt_templates, chats, chat_messages, chat_token_usage, app_invitations, app_first_account to xqt5_system;

do $$
declare
  t text;
begin
  foreach t in array array['organizations', 'app_users', 'app_sessions', 'app_api_keys', 'assistants',
                           'prompt_templates', 'chats', 'chat_messages', 'chat_token_usage', 'app_invitations',
                           'app_first_account'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('drop policy if exists system_all on %I', t);
    execute format('create policy system_all on %I to xqt5_system using (true) with check (true)', t);
  end loop;
  -- Private rows: the user's own, in the user's organisation.
  foreach t in array array['app_sessions', 'app_api_keys', 'chats', 'chat_messages'] loop
    execute format('drop policy if exists own_rows on %I', t);
    execute format(
      'create policy own_rows on %I to xqt5_runtime
         using (org_id = (select app_current_org_id()) and user_id = (select app_current_user_id()))
         with check (org_id = (select app_current_org_id()) and user_id = (select app_current_user_id()))', t);
  end loop;
  -- Assistants and templates: personal, or shared with the organisation (changed by its admins).
  foreach t in array array['assistants', 'prompt_templates'] loop
    execute format('drop policy if exists visible_rows on %I', t);
    execute format(
      'create policy visible_rows on %I for select to xqt5_runtime
         using (org_id = (select app_current_org_id())
                and (user_id = (select app_current_user_id()) or is_global))', t);
    execute format('drop policy if exists create_rows on %I', t);
    execute format(
      'create policy create_rows on %I for insert to xqt5_runtime
         with check (org_id = (select app_current_org_id()) and user_id = (select app_current_user_id())
                     and (not is_global or (select app_current_is_org_admin())))', t);
    execute format('drop policy if exists change_rows on %I', t);
    execute format(
      'create policy change_rows on %I for update to xqt5_runtime
         using (org_id = (select app_current_org_id())
                and (user_id = (select app_current_user_id()) or (is_global and (select app_current_is_org_admin()))))
         with check (org_id = (select app_current_org_id())
                     and (user_id = (select app_current_user_id()) or (select app_current_is_org_admin()))
                     and (not is_global or (select app_current_is_org_admin())))', t);
    execute format('drop policy if exists delete_rows on %I', t);
    execute format(
      'create policy delete_rows on %I for delete to xqt5_runtime
         using (org_id = (select app_current_org_id())
                and (user_id = (select app_current_user_id()) or (is_global and (select app_current_is_org_admin()))))', t);
  end loop;
end $$;

-- Organisations: one's own; platform operators see and manage all of them (not their content).
drop policy if exists member_or_operator on organizations;
create policy member_or_operator on organizations for select to xqt5_runtime
  using (id = (select app_current_org_id()) or (select app_current_is_platform_admin()));
drop policy if exists operator_creates on organizations;
create policy operator_creates on organizations for insert to xqt5_runtime
  with check ((select app_current_is_platform_admin()));
drop policy if exists operator_changes on organizations;
create policy operator_changes on organizations for update to xqt5_runtime
  using ((select app_current_is_platform_admin())) with check ((select app_current_is_platform_admin()));

-- Users: everyone of the organisation is visible to its members (names on shared items); a user
-- changes their own row, an admin anyone's. Roles are guarded by a trigger below.
drop policy if exists same_organization on app_users;
create policy same_organization on app_users for select to xqt5_runtime
  using (org_id = (select app_current_org_id()));
drop policy if exists self_or_admin on app_users;
create policy self_or_admin on app_users for update to xqt5_runtime
  using (org_id = (select app_current_org_id())
         and (id = (select app_current_user_id()) or (select app_current_is_org_admin())))
  with check (org_id = (select app_current_org_id()));

-- Usage: the user's own; an organisation's admins see all of it (usage and costs, never the chats).
drop policy if exists own_or_admin on chat_token_usage;
create policy own_or_admin on chat_token_usage for select to xqt5_runtime
  using (org_id = (select app_current_org_id())
         and (user_id = (select app_current_user_id()) or (select app_current_is_org_admin())));
drop policy if exists own_records on chat_token_usage;
create policy own_records on chat_token_usage for insert to xqt5_runtime
  with check (org_id = (select app_current_org_id()) and user_id = (select app_current_user_id()));

-- Invitations: the organisation's admins; a platform operator those they sent (first admins).
drop policy if exists admins_invite on app_invitations;
create policy admins_invite on app_invitations to xqt5_runtime
  using ((org_id = (select app_current_org_id()) and (select app_current_is_org_admin()))
         or ((select app_current_is_platform_admin()) and created_by = (select app_current_user_id())))
  with check (((org_id = (select app_current_org_id()) and (select app_current_is_org_admin()))
               or (select app_current_is_platform_admin()))
              and created_by = (select app_current_user_id()));

-- A user cannot make themselves admin or move between organisations, whatever the API asks.
create or replace function app_users_guard() returns trigger language plpgsql as $$
begin
  if current_user <> 'xqt5_runtime' then
    return new;
  end if;
  if new.org_id is distinct from old.org_id or new.is_platform_admin is distinct from old.is_platform_admin then
    raise exception 'the organisation and the platform role of an account cannot be changed'
      using errcode = '42501';
  end if;
  if (new.is_admin is distinct from old.is_admin or new.is_active is distinct from old.is_active)
     and not app_current_is_org_admin() then
    raise exception 'only an admin of the organisation changes roles and deactivates accounts'
      using errcode = '42501';
  end if;
  return new;
end $$;
drop trigger if exists app_users_guard on app_users;
create trigger app_users_guard before update on app_users for each row execute function app_users_guard();

-- ---------------------------------------------------------------------------------------------------
-- The named paths (SECURITY DEFINER, owned by xqt5_system, callable by xqt5_runtime only).

-- Who an account is, for a request: its organisation and roles, whether it and its organisation are
-- active, and (given a session) whether that session is live.
create or replace function app_account_identity(p_user_id uuid, p_session_id uuid default null)
returns table (user_id uuid, org_id uuid, is_admin boolean, is_platform_admin boolean, user_active boolean,
               org_active boolean, token_version integer, session_live boolean)
language sql stable security definer set search_path = public, pg_temp as $$
  select u.id, u.org_id, u.is_admin, u.is_platform_admin, u.is_active, o.is_active, u.token_version,
         case when p_session_id is null then null else exists (
           select 1 from app_sessions s
           where s.id = p_session_id and s.user_id = u.id and s.revoked_at is null) end
  from app_users u join organizations o on o.id = u.org_id
  where u.id = p_user_id
$$;

-- The account a sign-in names (username or e-mail address), with its password hash.
create or replace function app_login_account(p_login text)
returns table (user_id uuid, org_id uuid, is_admin boolean, is_platform_admin boolean, user_active boolean,
               org_active boolean, token_version integer, password_hash text)
language sql stable security definer set search_path = public, pg_temp as $$
  select u.id, u.org_id, u.is_admin, u.is_platform_admin, u.is_active, o.is_active, u.token_version, u.password_hash
  from app_users u join organizations o on o.id = u.org_id
  where case when position('@' in p_login) > 0 then lower(u.email) = lower(p_login)
             else lower(u.username) = lower(p_login) end
  limit 1
$$;

-- Whether a username (or a look-alike of it) and an e-mail address are taken, in any organisation.
create or replace function app_account_names_taken(p_username text, p_username_key text, p_email text)
returns table (username_taken boolean, email_taken boolean)
language sql stable security definer set search_path = public, pg_temp as $$
  select
    exists (select 1 from app_users where username_key = p_username_key or lower(username) = lower(p_username)),
    exists (select 1 from app_users where lower(email) = lower(p_email))
$$;

-- An API key by the hash of its secret, with its owner's identity.
create or replace function app_api_key_identity(p_key_hash text)
returns table (key_id uuid, read_only boolean, expires_at timestamptz, revoked_at timestamptz,
               last_used_at timestamptz, user_id uuid,
               org_id uuid, is_admin boolean, is_platform_admin boolean, user_active boolean, org_active boolean)
language sql stable security definer set search_path = public, pg_temp as $$
  select k.id, k.read_only, k.expires_at, k.revoked_at, k.last_used_at, u.id, u.org_id, u.is_admin, u.is_platform_admin,
         u.is_active, o.is_active
  from app_api_keys k join app_users u on u.id = k.user_id join organizations o on o.id = u.org_id
  where k.key_hash = p_key_hash
$$;

-- What an invitation link stands for, before its holder has an account (the registration screen).
create or replace function app_invitation_preview(p_token_hash text)
returns table (email text, role text, organization_name text, status text)
language sql stable security definer set search_path = public, pg_temp as $$
  select i.email, i.role, o.name,
         case when i.revoked_at is not null then 'revoked'
              when i.accepted_at is not null then 'used'
              when i.expires_at <= now() then 'expired'
              when not o.is_active then 'organization_inactive'
              else 'valid' end
  from app_invitations i join organizations o on o.id = i.org_id
  where i.token_hash = p_token_hash
$$;

-- Creates an account: through an invitation (its organisation and role, once), or by open registration
-- into the default organisation. The very first account of a server operates the platform and is an
-- admin of the default organisation: whoever claims the single app_first_account row first.
-- outcome: created | invitation_unknown | invitation_used | invitation_expired | invitation_revoked |
--          invitation_email | organization_inactive | registration_closed
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
    if not first and not p_open then return query select 'registration_closed'::text, null::uuid; return; end if;
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

-- Answers still streaming that no process generates any more: their lease ran out (or, alone at
-- start-up, all of them). They become interrupted; the rows say whose they were, for billing.
create or replace function app_interrupt_abandoned_answers(p_all boolean, p_ids uuid[], p_exclude uuid[])
returns table (id uuid, chat_id uuid, user_id uuid, org_id uuid)
language sql volatile security definer set search_path = public, pg_temp as $$
  update chat_messages m
  set status = 'interrupted', lease_expires_at = null, updated_at = now()
  where m.status = 'streaming'
    and (p_all or m.lease_expires_at is null or m.lease_expires_at < now())
    and (p_ids is null or m.id = any (p_ids))
    and not (m.id = any (coalesce(p_exclude, '{}')))
  returning m.id, m.chat_id, m.user_id, m.org_id
$$;

-- Members per organisation: all of them for a platform operator, one's own otherwise.
create or replace function app_organization_member_counts()
returns table (org_id uuid, member_count bigint)
language sql stable security definer set search_path = public, pg_temp as $$
  select u.org_id, count(*) from app_users u
  where app_current_is_platform_admin() or u.org_id = app_current_org_id()
  group by u.org_id
$$;

-- A new organisation starts with the same assistants and templates the default one got.
create or replace function app_seed_organization() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  insert into assistants (org_id, user_id, name, description, system_prompt, model, temperature, is_global, icon)
  select new.id, null, a.name, a.description, a.system_prompt, a.model, a.temperature, true, a.icon
  from assistants a
  where a.org_id = '0e5a0000-0000-4000-8000-000000000001' and a.id::text like '5e7a0000-0000-4000-8000-%';
  insert into prompt_templates (org_id, user_id, name, description, content, category, is_global)
  select new.id, null, t.name, t.description, t.content, t.category, true
  from prompt_templates t
  where t.org_id = '0e5a0000-0000-4000-8000-000000000001' and t.id::text like '7e3a0000-0000-4000-8000-%';
  return new;
end $$;
drop trigger if exists app_seed_organization on organizations;
create trigger app_seed_organization after insert on organizations for each row execute function app_seed_organization();

do $$
declare
  f text;
begin
  foreach f in array array['app_account_identity(uuid, uuid)', 'app_login_account(text)',
                           'app_account_names_taken(text, text, text)', 'app_api_key_identity(text)',
                           'app_invitation_preview(text)',
                           'app_register_account(uuid, text, text, text, text, text, boolean)',
                           'app_interrupt_abandoned_answers(boolean, uuid[], uuid[])',
                           'app_organization_member_counts()', 'app_seed_organization()'] loop
    execute format('alter function %s owner to xqt5_system', f);
    execute format('revoke all on function %s from public', f);
    -- Supabase grants new functions to its API roles by default: its REST API must not reach these.
    if exists (select 1 from pg_roles where rolname = 'anon') then
      execute format('revoke all on function %s from anon', f);
    end if;
    if exists (select 1 from pg_roles where rolname = 'authenticated') then
      execute format('revoke all on function %s from authenticated', f);
    end if;
    if f <> 'app_seed_organization()' then
      execute format('grant execute on function %s to xqt5_runtime', f);
    end if;
  end loop;
end $$;
