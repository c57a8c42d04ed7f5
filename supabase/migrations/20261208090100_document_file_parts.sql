-- Originals are written and read in parts of at most 1 MB (api/src/documents/document-files.ts): a
-- 20 MB file as one value is encoded and decoded in one go on the event loop, and with the embedded
-- database written there too. A file stored before is its own part 0. Parts are stored uncompressed
-- (PDFs, images and Office files are compressed already).
alter table app_document_files add column if not exists part integer not null default 0;
alter table app_document_files drop constraint if exists app_document_files_pkey;
alter table app_document_files add primary key (document_id, part);
alter table app_document_files alter column content set storage external;
