-- Per-user API tokens for the JSON API. Only the SHA-256 of the secret is kept: a leaked
-- database does not leak usable tokens, and a lookup by hash compares no secret strings.

CREATE TABLE api_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name VARCHAR(100) NOT NULL DEFAULT 'default',
    token_hash BYTEA NOT NULL UNIQUE,
    -- The first characters of the token ("cams_AbCd"), so a person can tell tokens apart.
    prefix VARCHAR(16) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_used_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    CONSTRAINT api_token_hash_is_sha256 CHECK (octet_length(token_hash) = 32),
    CONSTRAINT api_token_expiry_after_creation CHECK (expires_at IS NULL OR expires_at > created_at)
);

CREATE INDEX idx_api_tokens_user ON api_tokens(user_id, created_at DESC);
