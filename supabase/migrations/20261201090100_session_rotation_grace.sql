-- Refresh-token rotation with a grace window: for a few seconds after a rotation, the token that was
-- just replaced returns the same new pair (two tabs, or a response lost on the way), instead of being
-- taken for a stolen token that ends the session. Only its hash is kept, like the current one's.
alter table app_sessions add column if not exists previous_token_hash text;
alter table app_sessions add column if not exists rotated_at timestamptz;
