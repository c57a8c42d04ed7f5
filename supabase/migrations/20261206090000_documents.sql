-- Documents and retrieval: files people upload to a chat or to their personal library, cut into chunks
-- that are found by full-text search (always) and by vector similarity (when an embedding model is set).
--
-- Every row is its owner's, in the owner's organisation (row-level security like chats): another user,
-- or another organisation, sees no document, no chunk, no file and no source. The original file is kept
-- in the database (app_document_files), so that a backup holds it.
--
-- Work on documents (extraction, OCR, embedding, summary) is a durable queue (app_document_jobs): a job
-- is claimed with FOR UPDATE SKIP LOCKED under a lease, so several replicas share the work and a job whose
-- process died is claimed again when its lease ran out. Claiming crosses tenants, so it is a SECURITY
-- DEFINER function; the work itself then runs as the document's owner.
--
-- Vectors: where pgvector exists (Supabase, the embedded PGlite) the column is `vector` with HNSW cosine
-- indexes for the usual dimensions; elsewhere (plain PostgreSQL without the extension) it is real[] and
-- similarity is computed exactly by app_vector_similarity. Vectors are stored L2-normalised, with their
-- model and dimension, so that a new EMBEDDING_MODEL re-embeds instead of mixing vectors.

create table if not exists app_documents (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null default app_current_org_id() references organizations (id) on delete cascade,
  user_id uuid not null default app_current_user_id(),
  -- CHAT: used in that chat (and gone with it); LIBRARY: used wherever the owner switches the library on.
  scope varchar(8) not null check (scope in ('CHAT', 'LIBRARY')),
  chat_id uuid,
  filename varchar(255) not null check (char_length(btrim(filename)) between 1 and 255),
  mime_type varchar(120) not null,
  kind varchar(16) not null,
  size_bytes bigint not null check (size_bytes >= 0),
  sha256 varchar(64) not null,
  status varchar(12) not null default 'PENDING' check (status in ('PENDING', 'PROCESSING', 'READY', 'FAILED')),
  -- {stage: QUEUED|EXTRACTING|OCR|CHUNKING|EMBEDDING|SUMMARISING|DONE, done, total}
  progress jsonb not null default '{"stage": "QUEUED", "done": 0, "total": 0}',
  page_count integer,
  chunk_count integer not null default 0,
  ocr_pages integer not null default 0,
  -- Postgres text-search configuration of its text: german, english or simple.
  language varchar(16) not null default 'simple' check (language in ('german', 'english', 'simple')),
  summary text,
  error_code varchar(40),
  error text,
  -- The model its chunks' vectors come from (null: none yet, lexical search only).
  embedding_model varchar(120),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((scope = 'CHAT') = (chat_id is not null)),
  foreign key (user_id, org_id) references app_users (id, org_id) on delete cascade,
  foreign key (chat_id, user_id, org_id) references chats (id, user_id, org_id) on delete cascade
);
create unique index if not exists app_documents_id_org_id_key on app_documents (id, org_id);
create unique index if not exists app_documents_id_user_id_org_id_key on app_documents (id, user_id, org_id);
create index if not exists app_documents_user_id_created_at_idx on app_documents (user_id, created_at desc, id);
create index if not exists app_documents_chat_id_idx on app_documents (chat_id) where chat_id is not null;

create table if not exists app_document_files (
  document_id uuid primary key,
  org_id uuid not null default app_current_org_id(),
  user_id uuid not null default app_current_user_id(),
  content bytea not null,
  foreign key (document_id, user_id, org_id) references app_documents (id, user_id, org_id) on delete cascade
);

create table if not exists app_document_chunks (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null default app_current_org_id(),
  user_id uuid not null default app_current_user_id(),
  document_id uuid not null,
  ordinal integer not null,
  page integer not null,
  -- The heading breadcrumb the chunk sits under ("Kapitel 2 › Kündigung"), '' when none.
  section text not null default '',
  content text not null,
  token_count integer not null,
  language varchar(16) not null default 'simple',
  -- Set by app_document_chunk_index from section and content in the chunk's language.
  search_vector tsvector,
  embedding_model varchar(120),
  embedding_dims integer,
  foreign key (document_id, user_id, org_id) references app_documents (id, user_id, org_id) on delete cascade,
  unique (document_id, ordinal)
);
create unique index if not exists app_document_chunks_id_org_id_key on app_document_chunks (id, org_id);
create index if not exists app_document_chunks_search_vector_idx on app_document_chunks using gin (search_vector);

create or replace function app_document_chunk_index() returns trigger
language plpgsql as $$
begin
  new.search_vector := setweight(to_tsvector(new.language::regconfig, new.section), 'A')
                    || setweight(to_tsvector(new.language::regconfig, new.content), 'B');
  return new;
end $$;
drop trigger if exists app_document_chunk_index on app_document_chunks;
create trigger app_document_chunk_index before insert or update of section, content, language on app_document_chunks
  for each row execute function app_document_chunk_index();

-- The vector column and its indexes, by what the database offers.
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'vector') then
    begin
      create extension if not exists vector;
    exception when others then
      raise notice 'pgvector is available but could not be created (%): vectors are stored as real[]', sqlerrm;
    end;
  end if;
  if not exists (select 1 from information_schema.columns
                 where table_name = 'app_document_chunks' and column_name = 'embedding') then
    if exists (select 1 from pg_extension where extname = 'vector') then
      alter table app_document_chunks add column embedding vector;
      -- HNSW indexes one dimension each (at most 2,000 for vector): those of the usual models.
      create index if not exists app_document_chunks_embedding_768_idx on app_document_chunks
        using hnsw ((embedding::vector(768)) vector_cosine_ops) where embedding_dims = 768;
      create index if not exists app_document_chunks_embedding_1024_idx on app_document_chunks
        using hnsw ((embedding::vector(1024)) vector_cosine_ops) where embedding_dims = 1024;
      create index if not exists app_document_chunks_embedding_1536_idx on app_document_chunks
        using hnsw ((embedding::vector(1536)) vector_cosine_ops) where embedding_dims = 1536;
    else
      alter table app_document_chunks add column embedding real[];
    end if;
  end if;
end $$;

-- Cosine similarity of two L2-normalised vectors stored as real[] (the dot product), for databases
-- without pgvector; exact, over the candidate rows only.
create or replace function app_vector_similarity(a real[], b real[]) returns double precision
  language sql immutable parallel safe as $$
  select coalesce(sum(x::double precision * y::double precision), 0) from unnest(a, b) as pair (x, y)
$$;

-- The passages an answer was given, position n is the [n] in the answer.
create table if not exists app_message_sources (
  message_id uuid not null,
  position integer not null check (position >= 1),
  org_id uuid not null default app_current_org_id(),
  user_id uuid not null default app_current_user_id(),
  -- Null once the document was deleted: the answer still says what it cited.
  document_id uuid,
  chunk_id uuid,
  filename varchar(255) not null,
  page integer not null,
  section text not null default '',
  excerpt text not null,
  score double precision not null,
  primary key (message_id, position),
  foreign key (message_id, org_id) references chat_messages (id, org_id) on delete cascade,
  foreign key (user_id, org_id) references app_users (id, org_id) on delete cascade
);
create index if not exists app_message_sources_document_id_idx on app_message_sources (document_id);

-- Cited documents that are deleted leave their sources without a link.
create or replace function app_document_forget_sources() returns trigger
language plpgsql as $$
begin
  update app_message_sources set document_id = null, chunk_id = null where document_id = old.id;
  return old;
end $$;
drop trigger if exists app_document_forget_sources on app_documents;
create trigger app_document_forget_sources before delete on app_documents
  for each row execute function app_document_forget_sources();

-- A question asked with "use my library" on: its answer (and a regenerated one) searches the library too.
alter table chat_messages add column if not exists use_library boolean not null default false;

-- Images sent with a message (documents of the chat), for vision models.
create table if not exists app_message_attachments (
  message_id uuid not null,
  document_id uuid not null,
  org_id uuid not null default app_current_org_id(),
  user_id uuid not null default app_current_user_id(),
  primary key (message_id, document_id),
  foreign key (message_id, org_id) references chat_messages (id, org_id) on delete cascade,
  foreign key (document_id, user_id, org_id) references app_documents (id, user_id, org_id) on delete cascade
);

create table if not exists app_document_jobs (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null default app_current_org_id(),
  document_id uuid not null,
  -- process: extract, chunk, index, embed; embed: (re-)embed the chunks; summarise: the short summary.
  kind varchar(16) not null check (kind in ('process', 'embed', 'summarise')),
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 5,
  locked_by varchar(100),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  foreign key (document_id, org_id) references app_documents (id, org_id) on delete cascade,
  unique (document_id, kind)
);
create index if not exists app_document_jobs_run_at_idx on app_document_jobs (run_at);

-- Claims the next due job for `p_worker` for `p_lease_seconds`: a job whose lease ran out (its process
-- died) is due again. Returns nothing when no job is due. Jobs out of attempts are left for the
-- failure path (app_document_job_exhausted) instead of being claimed.
create or replace function app_document_job_claim(p_worker text, p_lease_seconds integer)
returns table (job_id uuid, document_id uuid, org_id uuid, user_id uuid, kind text, attempts integer)
language plpgsql volatile security definer set search_path = public, pg_temp as $$
begin
  if app_current_org_id() is not null then
    raise exception 'jobs are claimed outside any request' using errcode = '42501';
  end if;
  return query
  with next_job as (
    select j.id from app_document_jobs j
    where j.run_at <= now() and (j.locked_until is null or j.locked_until < now())
      and j.attempts < j.max_attempts
    order by j.run_at, j.id
    for update skip locked
    limit 1
  )
  update app_document_jobs j
     set locked_by = p_worker, locked_until = now() + make_interval(secs => greatest(p_lease_seconds, 1)),
         attempts = j.attempts + 1
    from next_job, app_documents d
   where j.id = next_job.id and d.id = j.document_id
  returning j.id, j.document_id, j.org_id, d.user_id, j.kind::text, j.attempts;
end $$;

-- Documents whose every attempt failed (their processes kept dying): FAILED, with the last error.
create or replace function app_document_job_exhausted() returns integer
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  failed integer;
begin
  if app_current_org_id() is not null then
    raise exception 'jobs are swept outside any request' using errcode = '42501';
  end if;
  with exhausted as (
    delete from app_document_jobs j
    where j.attempts >= j.max_attempts and (j.locked_until is null or j.locked_until < now())
    returning j.document_id, j.kind, j.last_error
  ), marked as (
    update app_documents d
       set status = 'FAILED', error_code = coalesce(d.error_code, 'DOCUMENT_UNREADABLE'),
           error = coalesce(e.last_error, 'The document could not be processed.'), updated_at = now()
      from exhausted e
     where d.id = e.document_id and e.kind = 'process' and d.status in ('PENDING', 'PROCESSING')
    returning d.id
  )
  select count(*) into failed from marked;
  return failed;
end $$;

-- Documents whose chunks were embedded by another model than `p_model` (or not at all) get an embed job.
create or replace function app_document_reembed(p_model text) returns integer
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  queued integer;
begin
  if app_current_org_id() is not null then
    raise exception 'documents are re-embedded outside any request' using errcode = '42501';
  end if;
  insert into app_document_jobs (org_id, document_id, kind)
  select d.org_id, d.id, 'embed' from app_documents d
  where d.status = 'READY' and d.chunk_count > 0 and d.embedding_model is distinct from p_model
  on conflict (document_id, kind) do nothing;
  get diagnostics queued = row_count;
  return queued;
end $$;

-- ---------------------------------------------------------------------------------------------------
-- Access

grant select, insert, update, delete on app_documents, app_document_files, app_document_chunks,
  app_message_sources, app_message_attachments, app_document_jobs to xqt5_runtime, xqt5_system;

do $$
declare
  t text;
begin
  foreach t in array array['app_documents', 'app_document_files', 'app_document_chunks', 'app_message_sources',
                           'app_message_attachments', 'app_document_jobs'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('drop policy if exists system_all on %I', t);
    execute format('create policy system_all on %I to xqt5_system using (true) with check (true)', t);
  end loop;
  -- The owner's own, in the owner's organisation: nobody else, not even an admin, reads documents.
  foreach t in array array['app_documents', 'app_document_files', 'app_document_chunks', 'app_message_sources',
                           'app_message_attachments'] loop
    execute format('drop policy if exists own_rows on %I', t);
    execute format(
      'create policy own_rows on %I to xqt5_runtime
         using (org_id = (select app_current_org_id()) and user_id = (select app_current_user_id()))
         with check (org_id = (select app_current_org_id()) and user_id = (select app_current_user_id()))', t);
  end loop;
end $$;

-- Jobs: queued, finished and retried by the owner of their document.
drop policy if exists own_documents on app_document_jobs;
create policy own_documents on app_document_jobs to xqt5_runtime
  using (org_id = (select app_current_org_id())
         and document_id in (select d.id from app_documents d where d.user_id = (select app_current_user_id())))
  with check (org_id = (select app_current_org_id())
              and document_id in (select d.id from app_documents d where d.user_id = (select app_current_user_id())));

do $$
declare
  f text;
begin
  foreach f in array array['app_document_job_claim(text, integer)', 'app_document_job_exhausted()',
                           'app_document_reembed(text)'] loop
    execute format('alter function %s owner to xqt5_system', f);
    execute format('revoke all on function %s from public', f);
    if exists (select 1 from pg_roles where rolname = 'anon') then
      execute format('revoke all on function %s from anon', f);
    end if;
    if exists (select 1 from pg_roles where rolname = 'authenticated') then
      execute format('revoke all on function %s from authenticated', f);
    end if;
    execute format('grant execute on function %s to xqt5_runtime', f);
  end loop;
end $$;
