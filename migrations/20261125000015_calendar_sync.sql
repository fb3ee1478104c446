-- Calendar sync: which remote object (CalDAV href, or the ICS feed) each event row came from, so
-- an incremental sync can delete exactly the rows of an object the server reports removed.
ALTER TABLE events ADD COLUMN source_href TEXT;
CREATE INDEX idx_events_calendar_source_href ON events (calendar_id, source_href);
