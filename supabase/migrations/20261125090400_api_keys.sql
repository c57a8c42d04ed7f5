-- Personal API keys for integrators. (llm-council has its own `api_keys` table; ours is app_api_keys.)
-- Only a SHA-256 hash of the secret and a short display prefix are stored.

create table if not exists app_api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_users (id) on delete cascade,
  name varchar(100) not null,
  key_hash text not null unique,
  key_prefix varchar(16) not null,
  read_only boolean not null default false,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);

create index if not exists app_api_keys_user_id_idx on app_api_keys (user_id);
