-- Usernames that look alike (Jürgen / jurgen / JURGEN) cannot both exist: username_key is a name without
-- accents and case, unique. New names get it from the API (api/src/auth/usernames.ts); here the same
-- key is computed for the names already there. Should two existing names share a key, the later one
-- keeps its account without a key (nothing is renamed), and new look-alikes of either are refused.
alter table app_users add column if not exists username_key varchar(96);

update app_users
set username_key = regexp_replace(
  normalize(
    replace(replace(replace(replace(
      translate(lower(normalize(username, NFKC)), 'øłđðħıĸŀŋŧ', 'olddhiklnt'),
      'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe'), 'þ', 'th'),
    NFKD),
  '[\u0300-\u036f]', '', 'g')
where username_key is null;

update app_users as later
set username_key = null
where username_key is not null
  and exists (
    select 1 from app_users as earlier
    where earlier.username_key = later.username_key
      and (earlier.created_at, earlier.id) < (later.created_at, later.id)
  );

create unique index if not exists app_users_username_key_key on app_users (username_key);
