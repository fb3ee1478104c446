-- Calendar sync: which remote object (CalDAV href, or the ICS feed) each event row came from, so
-- an incremental sync can delete exactly the rows of an object the server reports removed.
ALTER TABLE events ADD COLUMN source_href TEXT;
CREATE INDEX idx_events_calendar_source_href ON events (calendar_id, source_href);

-- The archive mirrors events; a column added to events goes there too. Its archived_at stays
-- where it was, so the archive now copies by column name instead of by position (`e.*` would
-- put source_href into archived_at).
ALTER TABLE events_archive ADD COLUMN source_href TEXT;

CREATE OR REPLACE PROCEDURE archive_old_events()
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM set_config('app.system', 'on', true);

    INSERT INTO events_archive
    SELECT (jsonb_populate_record(
        NULL::events_archive,
        to_jsonb(e) || jsonb_build_object('archived_at', CURRENT_TIMESTAMP)
    )).*
    FROM events e
    WHERE e.end_time < CURRENT_TIMESTAMP - INTERVAL '1 year'
      AND NOT COALESCE(e.is_recurring, FALSE)
    ON CONFLICT (id) DO NOTHING;

    DELETE FROM events e
    WHERE e.end_time < CURRENT_TIMESTAMP - INTERVAL '1 year'
      AND NOT COALESCE(e.is_recurring, FALSE);
END;
$$;

REVOKE ALL ON PROCEDURE archive_old_events() FROM PUBLIC;
