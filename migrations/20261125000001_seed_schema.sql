-- The seed schema (shared/seed/cams-database-schema.md, v1.0.0), made to run on PostgreSQL 15.
-- Every departure from the seed is marked "FIX n" (the numbering of DESIGN.md) or "FIX+" (a defect
-- found while implementing it), with its reason.

CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
-- FIX 10: the booking exclusion constraint needs `=` on uuid inside a GiST index.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- The seed's own version table. sqlx keeps the real migration history in _sqlx_migrations; this one
-- is kept so tools written against the seed find what they expect.
CREATE TABLE schema_migrations (
    version VARCHAR(50) PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO schema_migrations (version) VALUES ('001_initial_schema');

-- FIX 2 (everywhere below): the seed's TIMESTAMP columns "stored in UTC" silently take the
-- session's time zone on input and lose it on output; TIMESTAMPTZ stores the instant.

-- ---------------------------------------------------------------------------------------------
-- Core tables
-- ---------------------------------------------------------------------------------------------

CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email VARCHAR(255) NOT NULL UNIQUE,
    password_hash VARCHAR(255),
    name VARCHAR(255),
    timezone VARCHAR(50) NOT NULL DEFAULT 'UTC',
    locale VARCHAR(10) DEFAULT 'en-US',
    avatar_url TEXT,
    email_verified BOOLEAN DEFAULT FALSE,
    email_verified_at TIMESTAMPTZ,
    is_active BOOLEAN DEFAULT TRUE,
    last_login_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    deleted_at TIMESTAMPTZ,
    CONSTRAINT email_format CHECK (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Z]{2,}$')
);

CREATE INDEX idx_users_email ON users(email) WHERE deleted_at IS NULL;
CREATE INDEX idx_users_active ON users(is_active) WHERE deleted_at IS NULL;
CREATE INDEX idx_users_created_at ON users(created_at DESC);

CREATE TABLE user_preferences (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    working_hours JSONB DEFAULT '{
        "monday": {"start": "09:00", "end": "17:00"},
        "tuesday": {"start": "09:00", "end": "17:00"},
        "wednesday": {"start": "09:00", "end": "17:00"},
        "thursday": {"start": "09:00", "end": "17:00"},
        "friday": {"start": "09:00", "end": "17:00"}
    }',
    buffer_time INTEGER DEFAULT 15, -- minutes
    default_meeting_duration INTEGER DEFAULT 60, -- minutes
    auto_respond BOOLEAN DEFAULT FALSE,
    auto_respond_delay INTEGER DEFAULT 300, -- seconds
    notification_preferences JSONB DEFAULT '{
        "email": true,
        "push": false,
        "sms": false
    }',
    scheduling_preferences JSONB DEFAULT '{
        "avoid_back_to_back": true,
        "prefer_video_calls": false,
        "minimum_notice": 1440
    }',
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(user_id),
    -- FIX+: negative buffers, zero-length meetings and negative delays are never meaningful.
    CONSTRAINT buffer_time_non_negative CHECK (buffer_time >= 0),
    CONSTRAINT meeting_duration_positive CHECK (default_meeting_duration > 0),
    CONSTRAINT auto_respond_delay_non_negative CHECK (auto_respond_delay >= 0)
);

CREATE INDEX idx_user_preferences_user_id ON user_preferences(user_id);

-- FIX 5: the seed encrypts tokens with PGP_SYM_ENCRYPT(..., current_setting('app.encryption_key')):
-- that yields bytea (the TEXT column rejects it) and puts the key in a session setting, where it
-- shows up in logs and pg_stat_activity. The application encrypts with AES-256-GCM and stores the
-- ciphertext (nonce || sealed bytes) and the id of the key that sealed it, so keys can rotate.
CREATE TABLE oauth_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider VARCHAR(50) NOT NULL, -- 'google', 'microsoft', etc.
    access_token BYTEA NOT NULL,
    refresh_token BYTEA,
    key_id VARCHAR(64) NOT NULL,
    token_type VARCHAR(50) DEFAULT 'Bearer',
    scope TEXT,
    expires_at TIMESTAMPTZ,
    raw_response JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT unique_user_provider UNIQUE(user_id, provider)
);

CREATE INDEX idx_oauth_tokens_user_provider ON oauth_tokens(user_id, provider);
CREATE INDEX idx_oauth_tokens_expires_at ON oauth_tokens(expires_at);

-- ---------------------------------------------------------------------------------------------
-- Calendar tables
-- ---------------------------------------------------------------------------------------------

CREATE TABLE calendars (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    external_id VARCHAR(255), -- Google Calendar ID, CalDAV collection URL, ...
    type VARCHAR(50) NOT NULL, -- 'google', 'outlook', 'external', 'ics', 'caldav', 'cams'
    name VARCHAR(255) NOT NULL,
    email VARCHAR(255),
    description TEXT,
    color VARCHAR(7) DEFAULT '#4285F4',
    is_primary BOOLEAN DEFAULT FALSE,
    sync_enabled BOOLEAN DEFAULT TRUE,
    visibility VARCHAR(20) DEFAULT 'private',
    connection_status VARCHAR(20) DEFAULT 'connected',
    connection_metadata JSONB,
    last_sync_at TIMESTAMPTZ,
    last_sync_token TEXT,
    sync_frequency INTEGER DEFAULT 300, -- seconds
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    deleted_at TIMESTAMPTZ,
    -- FIX+: the seed lists the allowed values only in comments; a typo would silently make a
    -- calendar invisible to every query that filters on them.
    CONSTRAINT calendar_visibility_valid CHECK (visibility IN ('private', 'public', 'shared')),
    CONSTRAINT calendar_connection_status_valid
        CHECK (connection_status IN ('connected', 'error', 'disconnected')),
    CONSTRAINT calendar_color_hex CHECK (color IS NULL OR color ~ '^#[0-9A-Fa-f]{6}$'),
    CONSTRAINT calendar_sync_frequency_positive CHECK (sync_frequency > 0)
);

-- FIX 1: `CONSTRAINT one_primary_per_user UNIQUE(user_id, is_primary) WHERE is_primary = TRUE` is
-- not valid inside CREATE TABLE; a partial unique index says the same thing. Soft-deleted calendars
-- do not count, or a user could never replace a deleted primary calendar.
CREATE UNIQUE INDEX one_primary_per_user ON calendars(user_id)
    WHERE is_primary = TRUE AND deleted_at IS NULL;

CREATE INDEX idx_calendars_user_id ON calendars(user_id) WHERE deleted_at IS NULL;
CREATE INDEX idx_calendars_type ON calendars(type);
CREATE INDEX idx_calendars_sync_enabled ON calendars(sync_enabled) WHERE deleted_at IS NULL;
CREATE INDEX idx_calendars_last_sync ON calendars(last_sync_at);

CREATE TABLE calendar_shares (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    calendar_id UUID NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    shared_with_user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    permission VARCHAR(20) NOT NULL DEFAULT 'read',
    shared_by_user_id UUID NOT NULL REFERENCES users(id),
    accepted BOOLEAN DEFAULT FALSE,
    accepted_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT unique_calendar_share UNIQUE(calendar_id, shared_with_user_id),
    CONSTRAINT share_permission_valid CHECK (permission IN ('read', 'write'))
);

CREATE INDEX idx_calendar_shares_calendar ON calendar_shares(calendar_id);
CREATE INDEX idx_calendar_shares_user ON calendar_shares(shared_with_user_id);
CREATE INDEX idx_calendar_shares_accepted ON calendar_shares(accepted);

-- ---------------------------------------------------------------------------------------------
-- Event tables
-- ---------------------------------------------------------------------------------------------

-- FIX 3: the seed partitions events by start_time, but a partitioned table's primary key and
-- unique constraints must include the partition key, and unique_external_event plus the foreign
-- keys from event_attendees, event_reminders, recurring_event_exceptions and
-- availability_requests all need events(id) to be unique on its own. events stays one table; the
-- append-only tables with no incoming foreign keys are partitioned instead (see below).
CREATE TABLE events (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    calendar_id UUID NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    external_id VARCHAR(255),
    title VARCHAR(500) NOT NULL,
    description TEXT,
    location TEXT,
    start_time TIMESTAMPTZ NOT NULL,
    end_time TIMESTAMPTZ NOT NULL,
    all_day BOOLEAN DEFAULT FALSE,
    status VARCHAR(20) DEFAULT 'confirmed',
    visibility VARCHAR(20) DEFAULT 'default',
    busy_status VARCHAR(20) DEFAULT 'busy',
    color VARCHAR(7),
    conference_data JSONB,
    attachments JSONB,
    -- FIX 7: the seed declares recurring_event_id without its foreign key, so an instance could
    -- point at a master that no longer exists. Deleting a master deletes its instances.
    recurring_event_id UUID REFERENCES events(id) ON DELETE CASCADE,
    original_start_time TIMESTAMPTZ,
    is_recurring BOOLEAN DEFAULT FALSE,
    recurrence_rule JSONB,
    organizer_email VARCHAR(255),
    organizer_name VARCHAR(255),
    html_link TEXT,
    etag VARCHAR(255),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    deleted_at TIMESTAMPTZ,
    CONSTRAINT unique_external_event UNIQUE(calendar_id, external_id),
    CONSTRAINT valid_time_range CHECK (end_time > start_time),
    CONSTRAINT event_status_valid CHECK (status IN ('confirmed', 'tentative', 'cancelled')),
    CONSTRAINT event_visibility_valid
        CHECK (visibility IN ('default', 'public', 'private', 'confidential')),
    CONSTRAINT event_busy_status_valid CHECK (busy_status IN ('busy', 'free', 'tentative'))
);

CREATE INDEX idx_events_calendar_id ON events(calendar_id) WHERE deleted_at IS NULL;
CREATE INDEX idx_events_start_time ON events(start_time) WHERE deleted_at IS NULL;
CREATE INDEX idx_events_end_time ON events(end_time) WHERE deleted_at IS NULL;
CREATE INDEX idx_events_recurring ON events(recurring_event_id) WHERE recurring_event_id IS NOT NULL;
CREATE INDEX idx_events_status ON events(status);
CREATE INDEX idx_events_time_range ON events(start_time, end_time) WHERE deleted_at IS NULL;

ALTER TABLE events SET (autovacuum_vacuum_scale_factor = 0.1);
ALTER TABLE events SET (autovacuum_analyze_scale_factor = 0.05);

CREATE TABLE event_attendees (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id UUID NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    email VARCHAR(255) NOT NULL,
    name VARCHAR(255),
    response_status VARCHAR(20) DEFAULT 'needsAction',
    is_optional BOOLEAN DEFAULT FALSE,
    is_organizer BOOLEAN DEFAULT FALSE,
    comment TEXT,
    additional_guests INTEGER DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT unique_event_attendee UNIQUE(event_id, email),
    CONSTRAINT attendee_response_valid
        CHECK (response_status IN ('accepted', 'declined', 'tentative', 'needsAction')),
    CONSTRAINT additional_guests_non_negative CHECK (additional_guests >= 0)
);

CREATE INDEX idx_event_attendees_event ON event_attendees(event_id);
CREATE INDEX idx_event_attendees_email ON event_attendees(email);
CREATE INDEX idx_event_attendees_response ON event_attendees(response_status);

CREATE TABLE event_reminders (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id UUID NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    method VARCHAR(20) NOT NULL,
    minutes_before INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT reminder_method_valid CHECK (method IN ('email', 'popup', 'sms')),
    CONSTRAINT reminder_minutes_non_negative CHECK (minutes_before >= 0)
);

CREATE INDEX idx_event_reminders_event ON event_reminders(event_id);

CREATE TABLE recurring_event_exceptions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    recurring_event_id UUID NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    original_start_time TIMESTAMPTZ NOT NULL,
    is_cancelled BOOLEAN DEFAULT FALSE,
    modified_event_id UUID REFERENCES events(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT unique_exception UNIQUE(recurring_event_id, original_start_time)
);

CREATE INDEX idx_recurring_exceptions_event ON recurring_event_exceptions(recurring_event_id);

-- ---------------------------------------------------------------------------------------------
-- Email tables
-- ---------------------------------------------------------------------------------------------

CREATE TABLE email_templates (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name VARCHAR(255) NOT NULL,
    type VARCHAR(50) NOT NULL,
    subject VARCHAR(500) NOT NULL,
    body TEXT NOT NULL,
    variables JSONB,
    is_default BOOLEAN DEFAULT FALSE,
    is_active BOOLEAN DEFAULT TRUE,
    language VARCHAR(10) DEFAULT 'en',
    usage_count INTEGER DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    deleted_at TIMESTAMPTZ,
    CONSTRAINT template_type_valid CHECK (type IN ('availability', 'confirmation', 'decline',
        'reschedule', 'cancellation', 'approval_request', 'follow_up')),
    CONSTRAINT usage_count_non_negative CHECK (usage_count >= 0)
);

-- FIX 1: `unique_default_template UNIQUE(...) WHERE is_default = TRUE` as a partial unique index.
-- One default per type and language (a user may keep an English and a French default), and a
-- soft-deleted template does not hold the slot.
CREATE UNIQUE INDEX unique_default_template ON email_templates(user_id, type, language)
    WHERE is_default = TRUE AND deleted_at IS NULL;

CREATE INDEX idx_email_templates_user ON email_templates(user_id) WHERE deleted_at IS NULL;
CREATE INDEX idx_email_templates_type ON email_templates(type);
CREATE INDEX idx_email_templates_default ON email_templates(user_id, type, is_default);

CREATE TABLE availability_requests (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- FIX 4: the seed makes email_message_id globally UNIQUE, but one message CC'd to two users
    -- of the same installation is two requests; it is unique per user (constraint below).
    email_message_id VARCHAR(255),
    thread_id VARCHAR(255),
    from_email VARCHAR(255) NOT NULL,
    from_name VARCHAR(255),
    subject TEXT,
    body TEXT,
    parsed_data JSONB,
    status VARCHAR(20) DEFAULT 'pending',
    priority VARCHAR(20) DEFAULT 'normal',
    detected_intent VARCHAR(50),
    confidence_score DECIMAL(3,2),
    auto_respond BOOLEAN DEFAULT FALSE,
    responded_at TIMESTAMPTZ,
    -- FIX+: without ON DELETE the seed's own archive_old_events fails on any archived event that
    -- a request booked. The request keeps its history; the link is cleared.
    scheduled_event_id UUID REFERENCES events(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT unique_request_message_per_user UNIQUE(user_id, email_message_id),
    CONSTRAINT request_status_valid CHECK (status IN ('pending', 'processing', 'awaiting_approval',
        'responded', 'scheduled', 'declined', 'ignored', 'failed')),
    CONSTRAINT request_priority_valid CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    CONSTRAINT request_intent_valid CHECK (detected_intent IS NULL OR detected_intent IN
        ('schedule', 'reschedule', 'cancel', 'availability_check', 'confirm', 'decline', 'other')),
    CONSTRAINT confidence_in_unit_range
        CHECK (confidence_score IS NULL OR (confidence_score >= 0 AND confidence_score <= 1))
);

CREATE INDEX idx_availability_requests_user ON availability_requests(user_id);
CREATE INDEX idx_availability_requests_status ON availability_requests(status);
CREATE INDEX idx_availability_requests_created ON availability_requests(created_at DESC);
CREATE INDEX idx_availability_requests_thread ON availability_requests(thread_id);

CREATE TABLE proposed_time_slots (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    request_id UUID NOT NULL REFERENCES availability_requests(id) ON DELETE CASCADE,
    start_time TIMESTAMPTZ NOT NULL,
    end_time TIMESTAMPTZ NOT NULL,
    timezone VARCHAR(50) DEFAULT 'UTC',
    is_flexible BOOLEAN DEFAULT FALSE,
    preference_rank INTEGER,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- FIX+: the seed checks the range on events but not here.
    CONSTRAINT proposed_slot_valid_range CHECK (end_time > start_time),
    CONSTRAINT preference_rank_positive CHECK (preference_rank IS NULL OR preference_rank >= 1)
);

CREATE INDEX idx_proposed_slots_request ON proposed_time_slots(request_id);
CREATE INDEX idx_proposed_slots_time ON proposed_time_slots(start_time, end_time);

CREATE TABLE email_responses (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    request_id UUID NOT NULL REFERENCES availability_requests(id) ON DELETE CASCADE,
    template_id UUID REFERENCES email_templates(id) ON DELETE SET NULL,
    message_id VARCHAR(255),
    to_email VARCHAR(255) NOT NULL,
    cc_emails TEXT[],
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    suggested_slots JSONB,
    action_taken VARCHAR(50),
    sent_at TIMESTAMPTZ,
    delivery_status VARCHAR(20) DEFAULT 'pending',
    error_details TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT delivery_status_valid
        CHECK (delivery_status IN ('pending', 'sent', 'delivered', 'bounced', 'failed')),
    -- FIX+: the Message-ID is how a retry finds out whether a send already happened; two
    -- responses must never share one.
    CONSTRAINT unique_response_message_id UNIQUE(message_id)
);

CREATE INDEX idx_email_responses_request ON email_responses(request_id);
CREATE INDEX idx_email_responses_sent ON email_responses(sent_at);
CREATE INDEX idx_email_responses_status ON email_responses(delivery_status);

-- ---------------------------------------------------------------------------------------------
-- Scraping tables
-- ---------------------------------------------------------------------------------------------

CREATE TABLE scraping_jobs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    calendar_id UUID NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    auth_type VARCHAR(20) NOT NULL,
    -- FIX 5: credentials are sealed by the application (AES-256-GCM), never stored as JSON.
    auth_config BYTEA,
    auth_key_id VARCHAR(64),
    selectors JSONB,
    schedule_cron VARCHAR(100),
    is_active BOOLEAN DEFAULT TRUE,
    retry_count INTEGER DEFAULT 3,
    retry_delay INTEGER DEFAULT 60,
    timeout INTEGER DEFAULT 30000,
    last_successful_run TIMESTAMPTZ,
    next_run_at TIMESTAMPTZ,
    failure_count INTEGER DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(calendar_id),
    CONSTRAINT scraping_auth_type_valid CHECK (auth_type IN ('basic', 'oauth', 'form', 'none')),
    CONSTRAINT scraping_sealed_with_key CHECK (auth_config IS NULL OR auth_key_id IS NOT NULL)
);

CREATE INDEX idx_scraping_jobs_calendar ON scraping_jobs(calendar_id);
CREATE INDEX idx_scraping_jobs_active ON scraping_jobs(is_active);
CREATE INDEX idx_scraping_jobs_next_run ON scraping_jobs(next_run_at) WHERE is_active = TRUE;

CREATE TABLE scraping_runs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id UUID NOT NULL REFERENCES scraping_jobs(id) ON DELETE CASCADE,
    status VARCHAR(20) NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    completed_at TIMESTAMPTZ,
    duration INTEGER,
    events_found INTEGER DEFAULT 0,
    events_created INTEGER DEFAULT 0,
    events_updated INTEGER DEFAULT 0,
    events_deleted INTEGER DEFAULT 0,
    error_message TEXT,
    error_stack TEXT,
    screenshot_url TEXT,
    raw_data JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT scraping_run_status_valid
        CHECK (status IN ('started', 'completed', 'failed', 'timeout'))
);

CREATE INDEX idx_scraping_runs_job ON scraping_runs(job_id);
CREATE INDEX idx_scraping_runs_status ON scraping_runs(status);
CREATE INDEX idx_scraping_runs_created ON scraping_runs(created_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Analytics tables
-- ---------------------------------------------------------------------------------------------

CREATE TABLE availability_analyses (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    analysis_period VARCHAR(20) NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    total_events INTEGER DEFAULT 0,
    total_meeting_time INTEGER DEFAULT 0,
    average_meeting_duration INTEGER,
    busiest_day VARCHAR(10),
    busiest_hour INTEGER,
    most_frequent_attendees JSONB,
    availability_score DECIMAL(3,2),
    patterns JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT unique_analysis_period UNIQUE(user_id, analysis_period, period_start),
    CONSTRAINT analysis_period_valid CHECK (analysis_period IN ('day', 'week', 'month', 'quarter')),
    CONSTRAINT analysis_period_order CHECK (period_end >= period_start),
    CONSTRAINT busiest_hour_valid CHECK (busiest_hour IS NULL OR busiest_hour BETWEEN 0 AND 23),
    CONSTRAINT availability_score_unit
        CHECK (availability_score IS NULL OR availability_score BETWEEN 0 AND 1)
);

CREATE INDEX idx_availability_analyses_user ON availability_analyses(user_id);
CREATE INDEX idx_availability_analyses_period ON availability_analyses(period_start, period_end);

-- FIX 3: append-only and never referenced by a foreign key, so usage_metrics and audit_logs can be
-- partitioned by month. A partitioned table's primary key must contain the partition key, hence
-- (id, timestamp). A DEFAULT partition catches any row outside the monthly ranges, so an insert
-- never fails because a partition was not created in time; create_monthly_partitions moves such
-- rows into their month when it creates it.
CREATE TABLE usage_metrics (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    metric_type VARCHAR(50) NOT NULL,
    metric_name VARCHAR(100) NOT NULL,
    metric_value DECIMAL,
    metadata JSONB,
    timestamp TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id, timestamp)
) PARTITION BY RANGE (timestamp);

CREATE TABLE usage_metrics_default PARTITION OF usage_metrics DEFAULT;

CREATE INDEX idx_usage_metrics_user ON usage_metrics(user_id);
CREATE INDEX idx_usage_metrics_type ON usage_metrics(metric_type);
CREATE INDEX idx_usage_metrics_timestamp ON usage_metrics(timestamp DESC);

-- ---------------------------------------------------------------------------------------------
-- System tables
-- ---------------------------------------------------------------------------------------------

CREATE TABLE sync_logs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    calendar_id UUID NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    sync_type VARCHAR(20) NOT NULL,
    status VARCHAR(20) NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    completed_at TIMESTAMPTZ,
    events_processed INTEGER DEFAULT 0,
    events_created INTEGER DEFAULT 0,
    events_updated INTEGER DEFAULT 0,
    events_deleted INTEGER DEFAULT 0,
    sync_token TEXT,
    error_message TEXT,
    error_details JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT sync_type_valid CHECK (sync_type IN ('full', 'incremental', 'webhook')),
    CONSTRAINT sync_status_valid CHECK (status IN ('started', 'completed', 'failed'))
);

CREATE INDEX idx_sync_logs_calendar ON sync_logs(calendar_id);
CREATE INDEX idx_sync_logs_created ON sync_logs(created_at DESC);
CREATE INDEX idx_sync_logs_status ON sync_logs(status);

CREATE TABLE webhook_subscriptions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    calendar_id UUID NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    provider VARCHAR(50) NOT NULL,
    webhook_url TEXT NOT NULL,
    channel_id VARCHAR(255) UNIQUE,
    resource_id VARCHAR(255),
    expiration TIMESTAMPTZ,
    is_active BOOLEAN DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(calendar_id, provider)
);

CREATE INDEX idx_webhook_subscriptions_calendar ON webhook_subscriptions(calendar_id);
CREATE INDEX idx_webhook_subscriptions_expiration ON webhook_subscriptions(expiration);

-- FIX 3: partitioned by month, like usage_metrics.
CREATE TABLE audit_logs (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    action VARCHAR(100) NOT NULL,
    entity_type VARCHAR(50),
    entity_id UUID,
    old_values JSONB,
    new_values JSONB,
    ip_address INET,
    user_agent TEXT,
    metadata JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

CREATE TABLE audit_logs_default PARTITION OF audit_logs DEFAULT;

CREATE INDEX idx_audit_logs_user ON audit_logs(user_id);
CREATE INDEX idx_audit_logs_entity ON audit_logs(entity_type, entity_id);
CREATE INDEX idx_audit_logs_created ON audit_logs(created_at DESC);
CREATE INDEX idx_audit_logs_action ON audit_logs(action);

-- FIX 9: the seed's queue has no lease, so a job whose worker crashed stays 'processing' forever,
-- and no dead-letter state, so a poison job retries without end. Added: locked_by/locked_until
-- (the lease), last_error, dedupe_key, and the 'dead' state. 'failed' is a permanent failure the
-- job itself declared (not worth retrying); 'dead' means it ran out of retries.
CREATE TABLE job_queue (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_type VARCHAR(50) NOT NULL,
    payload JSONB NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    status VARCHAR(20) NOT NULL DEFAULT 'pending',
    max_retries INTEGER NOT NULL DEFAULT 3,
    retry_count INTEGER NOT NULL DEFAULT 0,
    -- FIX 9: NOT NULL with a default, so "due now" is one indexed comparison.
    scheduled_for TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    started_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    error_message TEXT,
    locked_by VARCHAR(255),
    locked_until TIMESTAMPTZ,
    last_error TEXT,
    dedupe_key VARCHAR(255),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT job_status_valid
        CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'dead')),
    CONSTRAINT job_retries_valid CHECK (max_retries >= 0 AND retry_count >= 0),
    CONSTRAINT job_lease_consistent CHECK (
        (status = 'processing') = (locked_by IS NOT NULL AND locked_until IS NOT NULL))
);

CREATE INDEX idx_job_queue_status ON job_queue(status);
CREATE INDEX idx_job_queue_scheduled ON job_queue(scheduled_for) WHERE status = 'pending';
CREATE INDEX idx_job_queue_priority ON job_queue(priority DESC) WHERE status = 'pending';
-- The claim's exact order, so it reads the first due row instead of sorting the backlog.
CREATE INDEX idx_job_queue_claim ON job_queue(priority DESC, scheduled_for, created_at)
    WHERE status = 'pending';
CREATE INDEX idx_job_queue_lease ON job_queue(locked_until) WHERE status = 'processing';
-- A dedupe key holds only while its job is live: once done, the same work may be enqueued again.
CREATE UNIQUE INDEX unique_live_job_dedupe ON job_queue(dedupe_key)
    WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'processing');

-- FIX 8: archive_old_events inserts into events_archive, which the seed never creates. Same
-- columns as events (so `SELECT *` lines up) plus when it was archived; no foreign keys, so an
-- archived event outlives its calendar.
CREATE TABLE events_archive (
    LIKE events INCLUDING DEFAULTS,
    archived_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id)
);
CREATE INDEX idx_events_archive_calendar ON events_archive(calendar_id, start_time);

-- ---------------------------------------------------------------------------------------------
-- Query pattern indexes of the seed
-- ---------------------------------------------------------------------------------------------

CREATE INDEX idx_events_user_time ON events(calendar_id, start_time, end_time)
    WHERE deleted_at IS NULL;
CREATE INDEX idx_availability_requests_user_status ON availability_requests(user_id, status)
    WHERE status IN ('pending', 'processing');
CREATE INDEX idx_active_calendars ON calendars(user_id)
    WHERE deleted_at IS NULL AND sync_enabled = TRUE;
CREATE INDEX idx_events_conference_data ON events USING GIN (conference_data);
CREATE INDEX idx_user_preferences_working_hours ON user_preferences USING GIN (working_hours);
