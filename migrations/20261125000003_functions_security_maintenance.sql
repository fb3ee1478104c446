-- The seed's functions, triggers, row-level security and maintenance procedures, fixed.

-- ---------------------------------------------------------------------------------------------
-- updated_at
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION update_updated_at()
RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_at = CURRENT_TIMESTAMP;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- FIX 7: the seed attaches the trigger to users and calendars and says "apply to all relevant
-- tables"; every table with an updated_at column gets it here, found from the catalogue so a
-- table cannot be forgotten (events_archive keeps the archived value untouched).
DO $$
DECLARE
    t TEXT;
BEGIN
    FOR t IN
        SELECT c.table_name
        FROM information_schema.columns c
        JOIN information_schema.tables tb
          ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema = current_schema()
          AND c.column_name = 'updated_at'
          AND tb.table_type = 'BASE TABLE'
          AND c.table_name <> 'events_archive'
        ORDER BY c.table_name
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I
                        FOR EACH ROW EXECUTE FUNCTION update_updated_at()',
                       'update_' || t || '_updated_at', t);
    END LOOP;
END;
$$;

-- ---------------------------------------------------------------------------------------------
-- Soft delete cascade
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION soft_delete_cascade()
RETURNS TRIGGER AS $$
BEGIN
    IF TG_TABLE_NAME = 'users' THEN
        UPDATE calendars SET deleted_at = NEW.deleted_at
        WHERE user_id = NEW.id AND deleted_at IS NULL;
    ELSIF TG_TABLE_NAME = 'calendars' THEN
        UPDATE events SET deleted_at = NEW.deleted_at
        WHERE calendar_id = NEW.id AND deleted_at IS NULL;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER soft_delete_user_cascade AFTER UPDATE OF deleted_at ON users
    FOR EACH ROW WHEN (NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL)
    EXECUTE FUNCTION soft_delete_cascade();

-- FIX 7: the function handles calendars, but the seed never attaches it there, so deleting a user
-- hid their calendars and left every event of those calendars live.
CREATE TRIGGER soft_delete_calendar_cascade AFTER UPDATE OF deleted_at ON calendars
    FOR EACH ROW WHEN (NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL)
    EXECUTE FUNCTION soft_delete_cascade();

-- ---------------------------------------------------------------------------------------------
-- calculate_availability (kept for compatibility and comparison; the product uses the Rust engine)
-- ---------------------------------------------------------------------------------------------

-- FIX 2: on TIMESTAMPTZ, so the slots are instants and not clock times in the session's zone.
-- FIX+: a non-positive duration made generate_series run backwards or forever; it is refused.
CREATE OR REPLACE FUNCTION calculate_availability(
    p_user_id UUID,
    p_start_time TIMESTAMPTZ,
    p_end_time TIMESTAMPTZ,
    p_duration INTEGER,
    p_buffer_time INTEGER DEFAULT 0
)
RETURNS TABLE (
    slot_start TIMESTAMPTZ,
    slot_end TIMESTAMPTZ,
    is_available BOOLEAN
) AS $$
BEGIN
    IF p_duration IS NULL OR p_duration <= 0 THEN
        RAISE EXCEPTION 'calculate_availability: duration must be positive, got %', p_duration
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_end_time <= p_start_time THEN
        RAISE EXCEPTION 'calculate_availability: end % is not after start %', p_end_time, p_start_time
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH busy_times AS (
        SELECT
            e.start_time - make_interval(mins => COALESCE(p_buffer_time, 0)) AS busy_start,
            e.end_time + make_interval(mins => COALESCE(p_buffer_time, 0)) AS busy_end
        FROM events e
        JOIN calendars c ON e.calendar_id = c.id
        WHERE c.user_id = p_user_id
            AND c.sync_enabled = TRUE
            AND c.deleted_at IS NULL
            AND e.deleted_at IS NULL
            AND e.status <> 'cancelled'
            AND e.busy_status = 'busy'
            AND e.end_time > p_start_time - make_interval(mins => COALESCE(p_buffer_time, 0))
            AND e.start_time < p_end_time + make_interval(mins => COALESCE(p_buffer_time, 0))
    ),
    time_slots AS (
        SELECT generate_series(
            p_start_time,
            p_end_time - make_interval(mins => p_duration),
            INTERVAL '15 minutes'
        ) AS slot_start
    )
    SELECT
        ts.slot_start,
        ts.slot_start + make_interval(mins => p_duration),
        NOT EXISTS (
            SELECT 1 FROM busy_times bt
            WHERE bt.busy_start < ts.slot_start + make_interval(mins => p_duration)
              AND bt.busy_end > ts.slot_start
        )
    FROM time_slots ts;
END;
$$ LANGUAGE plpgsql STABLE;

-- ---------------------------------------------------------------------------------------------
-- Job queue helpers
-- ---------------------------------------------------------------------------------------------

-- Exponential backoff with jitter, computed in SQL from the attempt count so every process agrees:
-- base * 2^attempts, capped, then scaled by a random factor in [0.5, 1] so retries of a burst of
-- failed jobs do not all wake at the same instant.
CREATE OR REPLACE FUNCTION job_retry_delay(
    p_retry_count INTEGER,
    p_base_seconds DOUBLE PRECISION,
    p_cap_seconds DOUBLE PRECISION
)
RETURNS INTERVAL AS $$
    SELECT make_interval(secs => LEAST(p_cap_seconds,
                                       p_base_seconds * power(2, LEAST(p_retry_count, 30)))
                                 * (0.5 + random() / 2));
$$ LANGUAGE sql VOLATILE;

-- Wake idle workers when work arrives. NOTIFY is delivered at commit, so a worker never sees a job
-- whose enqueueing transaction rolled back. Identical payloads in one transaction collapse to one.
CREATE OR REPLACE FUNCTION notify_job_enqueued()
RETURNS TRIGGER AS $$
BEGIN
    PERFORM pg_notify('cams_jobs', NEW.job_type);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER job_queue_notify AFTER INSERT ON job_queue
    FOR EACH ROW EXECUTE FUNCTION notify_job_enqueued();

-- ---------------------------------------------------------------------------------------------
-- Row-level security
-- ---------------------------------------------------------------------------------------------

-- FIX 6: the seed's policies call current_setting('app.current_user_id'), which raises an error
-- when the setting is absent, and do not FORCE row-level security, so the table owner (the role
-- the application connects as) bypasses every policy. Superusers bypass RLS even when forced, so
-- user-scoped work runs as `cams_app`, a role without BYPASSRLS that the application switches to
-- with SET LOCAL ROLE. System work (sync, workers, maintenance) runs as the owner and must opt in
-- with app.system = 'on' in its transaction; without either setting a query sees no rows.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cams_app') THEN
        BEGIN
            CREATE ROLE cams_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
        EXCEPTION
            WHEN duplicate_object THEN NULL; -- another database of this cluster migrated first
            WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'CAMS needs a role named cams_app: run "CREATE ROLE cams_app NOLOGIN" '
                    'as a superuser, or migrate as a role with CREATEROLE';
        END;
    END IF;
    IF NOT pg_has_role(current_user, 'cams_app', 'MEMBER') THEN
        EXECUTE format('GRANT cams_app TO %I', current_user);
    END IF;
END;
$$;

GRANT USAGE ON SCHEMA public TO cams_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cams_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cams_app;

-- The user a transaction acts for, or NULL: never an error, so a missing setting means "no rows".
CREATE OR REPLACE FUNCTION app_current_user_id()
RETURNS UUID AS $$
    SELECT NULLIF(current_setting('app.current_user_id', true), '')::uuid;
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION app_is_system()
RETURNS BOOLEAN AS $$
    SELECT COALESCE(current_setting('app.system', true), '') = 'on';
$$ LANGUAGE sql STABLE;

ALTER TABLE calendars ENABLE ROW LEVEL SECURITY;
ALTER TABLE calendars FORCE ROW LEVEL SECURITY;
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;

CREATE POLICY calendar_owner_policy ON calendars
    FOR ALL
    USING (user_id = app_current_user_id())
    WITH CHECK (user_id = app_current_user_id());

-- FIX+: the seed's share policy ignores expires_at; an expired share no longer reads.
CREATE POLICY calendar_share_policy ON calendars
    FOR SELECT
    USING (
        EXISTS (
            SELECT 1 FROM calendar_shares s
            WHERE s.calendar_id = calendars.id
              AND s.shared_with_user_id = app_current_user_id()
              AND s.accepted = TRUE
              AND (s.expires_at IS NULL OR s.expires_at > CURRENT_TIMESTAMP)
        )
    );

-- FIX 6: the seed enables RLS on events but defines no policy for it, which hides every event from
-- everyone but superusers. Events follow their calendar: the owner reads and writes, an accepted
-- share reads (with 'write' permission, writes too).
CREATE POLICY event_owner_policy ON events
    FOR ALL
    USING (EXISTS (SELECT 1 FROM calendars c
                   WHERE c.id = events.calendar_id AND c.user_id = app_current_user_id()))
    WITH CHECK (EXISTS (SELECT 1 FROM calendars c
                        WHERE c.id = events.calendar_id AND c.user_id = app_current_user_id()));

CREATE POLICY event_share_read_policy ON events
    FOR SELECT
    USING (EXISTS (SELECT 1 FROM calendar_shares s
                   WHERE s.calendar_id = events.calendar_id
                     AND s.shared_with_user_id = app_current_user_id()
                     AND s.accepted = TRUE
                     AND (s.expires_at IS NULL OR s.expires_at > CURRENT_TIMESTAMP)));

CREATE POLICY event_share_write_policy ON events
    FOR UPDATE
    USING (EXISTS (SELECT 1 FROM calendar_shares s
                   WHERE s.calendar_id = events.calendar_id
                     AND s.shared_with_user_id = app_current_user_id()
                     AND s.accepted = TRUE AND s.permission = 'write'
                     AND (s.expires_at IS NULL OR s.expires_at > CURRENT_TIMESTAMP)));

-- System access, for the owner role only: cams_app can set app.system too, but no policy lets it
-- use it.
DO $$
BEGIN
    EXECUTE format('CREATE POLICY calendar_system_policy ON calendars FOR ALL TO %I
                    USING (app_is_system()) WITH CHECK (app_is_system())', current_user);
    EXECUTE format('CREATE POLICY event_system_policy ON events FOR ALL TO %I
                    USING (app_is_system()) WITH CHECK (app_is_system())', current_user);
END;
$$;

-- ---------------------------------------------------------------------------------------------
-- Monthly partitions (FIX 3)
-- ---------------------------------------------------------------------------------------------

-- Creates the partitions of audit_logs and usage_metrics for this month and the next
-- p_months_ahead months; returns how many it created. Rows that landed in the DEFAULT partition
-- for a month being created are moved into it first (attaching would otherwise fail), so
-- calling this late loses nothing.
CREATE OR REPLACE FUNCTION create_monthly_partitions(p_months_ahead INTEGER DEFAULT 1)
RETURNS INTEGER AS $$
DECLARE
    spec RECORD;
    month_start DATE;
    month_end DATE;
    part TEXT;
    created INTEGER := 0;
    i INTEGER;
BEGIN
    IF p_months_ahead < 0 THEN
        RAISE EXCEPTION 'months ahead must not be negative' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR spec IN SELECT * FROM (VALUES ('audit_logs', 'created_at'),
                                      ('usage_metrics', 'timestamp')) AS t(tbl, col)
    LOOP
        FOR i IN 0..p_months_ahead LOOP
            month_start := (date_trunc('month', CURRENT_DATE) + make_interval(months => i))::date;
            month_end := (month_start + INTERVAL '1 month')::date;
            part := spec.tbl || '_' || to_char(month_start, 'YYYY_MM');
            CONTINUE WHEN to_regclass(part) IS NOT NULL;
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                           part, spec.tbl);
            EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *)
                            INSERT INTO %I SELECT * FROM moved',
                           spec.tbl || '_default', spec.col, month_start, spec.col, month_end, part);
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                           spec.tbl, part, month_start, month_end);
            created := created + 1;
        END LOOP;
    END LOOP;
    RETURN created;
END;
$$ LANGUAGE plpgsql;

-- The seed's name, kept: creates next month's partitions.
CREATE OR REPLACE FUNCTION create_monthly_partition()
RETURNS void AS $$
BEGIN
    PERFORM create_monthly_partitions(1);
END;
$$ LANGUAGE plpgsql;

SELECT create_monthly_partitions(1);

-- ---------------------------------------------------------------------------------------------
-- Maintenance procedures
-- ---------------------------------------------------------------------------------------------

-- FIX+: the seed's maintain_database runs VACUUM, which PostgreSQL refuses inside any function or
-- procedure ("VACUUM cannot be executed from a function"), so the procedure could never run.
-- It ANALYZEs here; VACUUM is left to autovacuum (tuned on events above) and to
-- `cams db maintain`, which runs VACUUM ANALYZE from the client. Old audit logs go by dropping
-- whole monthly partitions, which is what partitioning them was for.
CREATE OR REPLACE PROCEDURE maintain_database()
LANGUAGE plpgsql
AS $$
DECLARE
    part RECORD;
BEGIN
    PERFORM set_config('app.system', 'on', true);
    PERFORM create_monthly_partitions(2);

    ANALYZE events;
    ANALYZE availability_requests;
    ANALYZE sync_logs;
    ANALYZE job_queue;

    FOR part IN
        SELECT c.relname
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'audit_logs'
          AND c.relname ~ '^audit_logs_[0-9]{4}_[0-9]{2}$'
          AND (to_date(substring(c.relname from '[0-9]{4}_[0-9]{2}$'), 'YYYY_MM')
               + INTERVAL '1 month') < CURRENT_TIMESTAMP - INTERVAL '90 days'
    LOOP
        EXECUTE format('DROP TABLE %I', part.relname);
    END LOOP;
    DELETE FROM audit_logs WHERE created_at < CURRENT_TIMESTAMP - INTERVAL '90 days';

    -- FIX 9: 'dead' jobs are finished too.
    DELETE FROM job_queue
    WHERE status IN ('completed', 'failed', 'dead')
      AND created_at < CURRENT_TIMESTAMP - INTERVAL '30 days';

    UPDATE holds SET status = 'released', released_at = CURRENT_TIMESTAMP,
                     release_reason = 'expired'
    WHERE status = 'active' AND expires_at <= CURRENT_TIMESTAMP;

    DELETE FROM approval_tokens WHERE expires_at < CURRENT_TIMESTAMP - INTERVAL '30 days';
END;
$$;

-- FIX 8: events_archive now exists. FIX+: recurring masters are kept: their end_time is the end of
-- the FIRST occurrence, so the seed's rule would archive (and delete, with all its instances) a
-- weekly meeting that is still running. Re-running is safe (ON CONFLICT).
CREATE OR REPLACE PROCEDURE archive_old_events()
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM set_config('app.system', 'on', true);

    INSERT INTO events_archive
    SELECT e.*, CURRENT_TIMESTAMP FROM events e
    WHERE e.end_time < CURRENT_TIMESTAMP - INTERVAL '1 year'
      AND NOT COALESCE(e.is_recurring, FALSE)
    ON CONFLICT (id) DO NOTHING;

    DELETE FROM events e
    WHERE e.end_time < CURRENT_TIMESTAMP - INTERVAL '1 year'
      AND NOT COALESCE(e.is_recurring, FALSE);
END;
$$;

REVOKE ALL ON PROCEDURE maintain_database() FROM PUBLIC;
REVOKE ALL ON PROCEDURE archive_old_events() FROM PUBLIC;
REVOKE ALL ON FUNCTION create_monthly_partitions(INTEGER) FROM PUBLIC;
