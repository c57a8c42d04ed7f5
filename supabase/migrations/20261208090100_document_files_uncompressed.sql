-- Originals are written and read in slices (api/src/documents/document-files.ts). Stored without
-- compression (PDFs, images and Office files are compressed already), a slice is read without
-- inflating the whole file.
alter table app_document_files alter column content set storage external;
