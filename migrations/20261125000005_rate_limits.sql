-- Automatic replies counted per sender and per thread, in the database so the limits hold across
-- restarts and across several CAMS processes.
CREATE TABLE auto_reply_events (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(id) ON DELETE CASCADE,
    scope VARCHAR(20) NOT NULL,
    key VARCHAR(998) NOT NULL,
    response_id UUID REFERENCES email_responses(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT auto_reply_scope_valid CHECK (scope IN ('sender', 'thread'))
);

CREATE INDEX idx_auto_reply_events_key ON auto_reply_events(scope, key, created_at DESC);

-- Takes one unit of a limit if any is left: true when taken. The advisory lock serialises
-- concurrent takers of the same key (two workers answering the same sender at once), and being
-- inside the caller's transaction, a rolled-back reply gives its unit back.
CREATE OR REPLACE FUNCTION take_auto_reply_allowance(
    p_user_id UUID,
    p_scope TEXT,
    p_key TEXT,
    p_limit INTEGER,
    p_window INTERVAL
)
RETURNS BOOLEAN AS $$
DECLARE
    used INTEGER;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('cams-rate:' || p_scope || ':' || lower(p_key)));
    SELECT count(*) INTO used FROM auto_reply_events
     WHERE scope = p_scope AND key = lower(p_key)
       AND user_id IS NOT DISTINCT FROM p_user_id
       AND created_at > clock_timestamp() - p_window;
    IF used >= p_limit THEN
        RETURN FALSE;
    END IF;
    INSERT INTO auto_reply_events (user_id, scope, key, created_at)
    VALUES (p_user_id, p_scope, lower(p_key), clock_timestamp());
    RETURN TRUE;
END;
$$ LANGUAGE plpgsql;

-- maintain_database keeps the table small: events older than any window are dropped.
CREATE OR REPLACE PROCEDURE prune_auto_reply_events()
LANGUAGE plpgsql
AS $$
BEGIN
    DELETE FROM auto_reply_events WHERE created_at < CURRENT_TIMESTAMP - INTERVAL '90 days';
END;
$$;
