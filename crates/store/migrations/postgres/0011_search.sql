-- Message search (docs/adr/0020): a generated tsvector (so it changes in the transaction that
-- writes the message) with a GIN index. Tokens are runs of letters and digits, lowercased:
-- everything else becomes a space first, so the parser's special tokens (hosts, emails,
-- decimals) split the way SQLite's FTS5 index splits them, and both find the same messages.
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig, regexp_replace(lower(body), '[^[:alnum:]]+', ' ', 'g'))
) STORED;
CREATE INDEX messages_search ON messages USING GIN (search);
