-- Accounts and refresh-token sessions of the XQT5 AI Platform.
-- Table names follow the original platform so an existing Supabase database can be adopted:
-- tables are created only when missing, and columns the original lacked are added when missing.

create table if not exists app_users (
  id uuid primary key default gen_random_uuid(),
  username varchar(32) not null unique,
  email varchar(255) not null unique,
  password_hash text not null,
  is_active boolean not null default true,
  is_admin boolean not null default false,
  token_version integer not null default 0,
  created_at timestamptz not null default now()
);

alter table app_users add column if not exists token_version integer not null default 0;
alter table app_users add column if not exists updated_at timestamptz not null default now();

-- Usernames are 3-32 characters; e-mail and username are unique regardless of case.
alter table app_users drop constraint if exists app_users_username_length_check;
alter table app_users add constraint app_users_username_length_check
  check (char_length(username) between 3 and 32);
create unique index if not exists app_users_lower_username_idx on app_users (lower(username));
create unique index if not exists app_users_lower_email_idx on app_users (lower(email));

-- One row per signed-in device. The refresh token is a JWT naming this session and its generation;
-- only the hash of the current token is stored. A token of an older generation is a reuse: the
-- whole session is revoked.
create table if not exists app_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_users (id) on delete cascade,
  generation integer not null default 0,
  refresh_token_hash text not null,
  user_agent text,
  ip_address varchar(64),
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason varchar(32)
);

create index if not exists app_sessions_user_id_idx on app_sessions (user_id);
