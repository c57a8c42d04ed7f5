-- Assistants (system prompt + model + temperature) and prompt templates, personal or company-wide.
-- user_id is null for global starter entries that belong to no user.

create table if not exists assistants (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references app_users (id) on delete cascade,
  name varchar(100) not null,
  description text not null default '',
  system_prompt text not null,
  model varchar(100),
  temperature double precision,
  is_global boolean not null default false,
  icon varchar(16) not null default '🤖',
  created_at timestamptz not null default now()
);

alter table assistants add column if not exists updated_at timestamptz not null default now();
create index if not exists assistants_user_id_idx on assistants (user_id);
create index if not exists assistants_is_global_idx on assistants (is_global) where is_global;

create table if not exists prompt_templates (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references app_users (id) on delete cascade,
  name varchar(100) not null,
  description text not null default '',
  content text not null,
  category varchar(50) not null default 'general',
  is_global boolean not null default false,
  created_at timestamptz not null default now()
);

alter table prompt_templates add column if not exists updated_at timestamptz not null default now();
create index if not exists prompt_templates_user_id_idx on prompt_templates (user_id);
create index if not exists prompt_templates_is_global_idx on prompt_templates (is_global) where is_global;
