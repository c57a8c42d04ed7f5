-- An answer from a model that reads no images was given the text recognised in the question's images
-- instead: the person is told so under the answer.
alter table chat_messages add column if not exists images_as_text boolean not null default false;
