-- Organisations (tenants). Every user belongs to exactly one; every row of tenant data carries the
-- organisation it belongs to (org_id), and a row can only reference rows of its own organisation
-- (composite foreign keys). A database from before gets one organisation, `default`, holding every row.
-- Row-level security on top of this lives in the next migration.

create table if not exists organizations (
  id uuid primary key default gen_random_uuid(),
  name varchar(100) not null check (char_length(btrim(name)) between 1 and 100),
  slug varchar(48) not null unique check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$'),
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);

-- The organisation of the embedded default, and of every row that existed before organisations.
insert into organizations (id, name, slug)
values ('0e5a0000-0000-4000-8000-000000000001', 'Default', 'default')
on conflict do nothing;

-- Who is asking, as the API set it for the current transaction (see api/src/db/request-identity.ts).
-- Unset means nobody: tenant policies then admit nothing.
create or replace function app_current_org_id() returns uuid
  language sql stable as $$ select nullif(current_setting('app.org_id', true), '')::uuid $$;
create or replace function app_current_user_id() returns uuid
  language sql stable as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;
create or replace function app_current_is_org_admin() returns boolean
  language sql stable as $$ select coalesce(current_setting('app.org_admin', true) = 'true', false) $$;
create or replace function app_current_is_platform_admin() returns boolean
  language sql stable as $$ select coalesce(current_setting('app.platform_admin', true) = 'true', false) $$;

-- Users: the organisation and, apart from the organisation role (is_admin), the platform operators.
alter table app_users add column if not exists org_id uuid;
alter table app_users add column if not exists is_platform_admin boolean not null default false;
update app_users set org_id = '0e5a0000-0000-4000-8000-000000000001' where org_id is null;
alter table app_users alter column org_id set not null;
alter table app_users alter column org_id set default app_current_org_id();
alter table app_users drop constraint if exists app_users_org_id_fkey;
alter table app_users add constraint app_users_org_id_fkey
  foreign key (org_id) references organizations (id) on delete cascade;
create unique index if not exists app_users_id_org_id_key on app_users (id, org_id);
create index if not exists app_users_org_id_idx on app_users (org_id);

-- The first account of a server operates the platform (it had become admin already).
update app_users set is_platform_admin = true
where id = (select user_id from app_first_account) and not is_platform_admin;

-- Every other table: org_id filled from its owner, then a composite reference to that owner.
alter table app_sessions add column if not exists org_id uuid;
update app_sessions s set org_id = u.org_id from app_users u where u.id = s.user_id and s.org_id is null;

alter table app_api_keys add column if not exists org_id uuid;
update app_api_keys k set org_id = u.org_id from app_users u where u.id = k.user_id and k.org_id is null;

alter table assistants add column if not exists org_id uuid;
update assistants a set org_id = coalesce((select u.org_id from app_users u where u.id = a.user_id),
  '0e5a0000-0000-4000-8000-000000000001') where a.org_id is null;

alter table prompt_templates add column if not exists org_id uuid;
update prompt_templates t set org_id = coalesce((select u.org_id from app_users u where u.id = t.user_id),
  '0e5a0000-0000-4000-8000-000000000001') where t.org_id is null;

alter table chats add column if not exists org_id uuid;
update chats c set org_id = u.org_id from app_users u where u.id = c.user_id and c.org_id is null;

-- Messages name their chat's owner too, so that row-level security checks a column, not a join.
alter table chat_messages add column if not exists org_id uuid;
alter table chat_messages add column if not exists user_id uuid;
update chat_messages m set org_id = c.org_id, user_id = c.user_id
from chats c where c.id = m.chat_id and (m.org_id is null or m.user_id is null);

alter table chat_token_usage add column if not exists org_id uuid;
update chat_token_usage t set org_id = u.org_id from app_users u where u.id = t.user_id and t.org_id is null;

alter table app_first_account add column if not exists org_id uuid;
update app_first_account set org_id = '0e5a0000-0000-4000-8000-000000000001' where org_id is null;

do $$
declare
  t text;
begin
  foreach t in array array['app_sessions', 'app_api_keys', 'assistants', 'prompt_templates', 'chats',
                           'chat_messages', 'chat_token_usage', 'app_first_account'] loop
    execute format('alter table %I alter column org_id set not null', t);
    execute format('alter table %I alter column org_id set default app_current_org_id()', t);
    execute format('alter table %I drop constraint if exists %I', t, t || '_org_id_fkey');
    execute format('alter table %I add constraint %I foreign key (org_id) references organizations (id) on delete cascade',
                   t, t || '_org_id_fkey');
  end loop;
end $$;
alter table app_first_account alter column org_id set default '0e5a0000-0000-4000-8000-000000000001';
alter table chat_messages alter column user_id set not null;
alter table chat_messages alter column user_id set default app_current_user_id();

-- Targets of the composite references.
create unique index if not exists chats_id_org_id_key on chats (id, org_id);
create unique index if not exists chats_id_user_id_org_id_key on chats (id, user_id, org_id);
create unique index if not exists chat_messages_id_org_id_key on chat_messages (id, org_id);
create unique index if not exists assistants_id_org_id_key on assistants (id, org_id);

-- The single-column references are replaced by ones that include the organisation.
alter table app_sessions drop constraint if exists app_sessions_user_id_fkey;
alter table app_sessions add constraint app_sessions_user_id_fkey
  foreign key (user_id, org_id) references app_users (id, org_id) on delete cascade;
alter table app_api_keys drop constraint if exists app_api_keys_user_id_fkey;
alter table app_api_keys add constraint app_api_keys_user_id_fkey
  foreign key (user_id, org_id) references app_users (id, org_id) on delete cascade;
alter table assistants drop constraint if exists assistants_user_id_fkey;
alter table assistants add constraint assistants_user_id_fkey
  foreign key (user_id, org_id) references app_users (id, org_id) on delete cascade;
alter table prompt_templates drop constraint if exists prompt_templates_user_id_fkey;
alter table prompt_templates add constraint prompt_templates_user_id_fkey
  foreign key (user_id, org_id) references app_users (id, org_id) on delete cascade;
alter table chats drop constraint if exists chats_user_id_fkey;
alter table chats add constraint chats_user_id_fkey
  foreign key (user_id, org_id) references app_users (id, org_id) on delete cascade;
alter table chats drop constraint if exists chats_assistant_id_fkey;
alter table chats add constraint chats_assistant_id_fkey
  foreign key (assistant_id, org_id) references assistants (id, org_id) on delete set null (assistant_id);
alter table chat_messages drop constraint if exists chat_messages_chat_id_fkey;
alter table chat_messages add constraint chat_messages_chat_id_fkey
  foreign key (chat_id, user_id, org_id) references chats (id, user_id, org_id) on delete cascade;
alter table chat_messages drop constraint if exists chat_messages_reply_to_id_fkey;
alter table chat_messages add constraint chat_messages_reply_to_id_fkey
  foreign key (reply_to_id, org_id) references chat_messages (id, org_id) on delete set null (reply_to_id);
alter table chat_token_usage drop constraint if exists chat_token_usage_user_id_fkey;
alter table chat_token_usage add constraint chat_token_usage_user_id_fkey
  foreign key (user_id, org_id) references app_users (id, org_id) on delete cascade;
alter table chat_token_usage drop constraint if exists chat_token_usage_chat_id_fkey;
alter table chat_token_usage add constraint chat_token_usage_chat_id_fkey
  foreign key (chat_id, org_id) references chats (id, org_id) on delete set null (chat_id);
alter table chat_token_usage drop constraint if exists chat_token_usage_message_id_fkey;
alter table chat_token_usage add constraint chat_token_usage_message_id_fkey
  foreign key (message_id, org_id) references chat_messages (id, org_id) on delete set null (message_id);

-- Organisation-wide reads (shared items, an admin's usage). No org_id or user_id index on chats and messages:
-- they are read by user and by chat, and such an index only tempts the planner away from those.
create index if not exists assistants_org_id_idx on assistants (org_id);
create index if not exists prompt_templates_org_id_idx on prompt_templates (org_id);
create index if not exists chat_token_usage_org_id_created_at_idx on chat_token_usage (org_id, created_at);
-- A chat's rows all have its owner's user_id and org_id. Told so, the planner knows that the policies'
-- "org_id = … and user_id = …" keep every row of a chat; without it, it guesses they keep 1 in 100 and
-- sorts a whole chat instead of reading the newest page in index order (a 4× slower history page).
create statistics if not exists chat_messages_owner_dependencies (dependencies) on chat_id, user_id, org_id
  from chat_messages;
create statistics if not exists chats_owner_dependencies (dependencies) on id, user_id, org_id from chats;
create statistics if not exists chat_token_usage_owner_dependencies (dependencies) on user_id, org_id
  from chat_token_usage;
analyze chat_messages, chats, chat_token_usage;

-- Invitations into an organisation: the link's token is stored hashed, used once, and expires.
create table if not exists app_invitations (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null default app_current_org_id() references organizations (id) on delete cascade,
  email varchar(255) not null,
  role varchar(16) not null default 'member' check (role in ('member', 'admin')),
  token_hash text not null unique,
  -- Who invited: an admin of the organisation, or a platform operator of another one (no composite
  -- reference for that reason; the inviter is a record, not tenant data).
  created_by uuid references app_users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid,
  revoked_at timestamptz
);
create index if not exists app_invitations_org_id_idx on app_invitations (org_id, created_at desc);
alter table app_invitations drop constraint if exists app_invitations_accepted_by_fkey;
alter table app_invitations add constraint app_invitations_accepted_by_fkey
  foreign key (accepted_by, org_id) references app_users (id, org_id) on delete set null (accepted_by);
