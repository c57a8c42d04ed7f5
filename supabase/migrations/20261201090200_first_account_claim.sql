-- The first account on a new server becomes admin. Whoever inserts this single row first is that
-- account (in the same statement that creates it), so sign-ups never queue behind a lock to decide it.
create table if not exists app_first_account (
  claimed boolean primary key default true check (claimed),
  user_id uuid unique references app_users (id) on delete set null,
  claimed_at timestamptz not null default now()
);

-- A server that already has accounts has had its first one.
insert into app_first_account (claimed, user_id)
select true, (select id from app_users order by created_at, id limit 1)
where exists (select 1 from app_users)
on conflict do nothing;
