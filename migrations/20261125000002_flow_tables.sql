-- FIX 10: what the flow of DESIGN.md needs and the seed lacks, in the seed's style.

-- Every inbound message is stored as raw bytes before anything reads it, so a failing step never
-- loses mail and a delivery seen twice (IMAP re-sync, webhook retry) is stored once.
CREATE TABLE inbound_messages (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    -- The CAMS user the message was addressed to, when ingest could tell; NULL for mail to the
    -- shared agent address that the pipeline routes later.
    user_id UUID REFERENCES users(id) ON DELETE CASCADE,
    mailbox_id UUID,
    source VARCHAR(20) NOT NULL,
    envelope_from VARCHAR(255),
    envelope_to TEXT[],
    message_id VARCHAR(998),
    -- The Message-ID when there is one, else "sha256:<hex of the raw bytes>": the dedupe identity.
    dedupe_key VARCHAR(998) NOT NULL,
    content_sha256 BYTEA NOT NULL,
    raw BYTEA NOT NULL,
    size_bytes INTEGER NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    status VARCHAR(20) NOT NULL DEFAULT 'stored',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    processed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT inbound_source_valid CHECK (source IN
        ('imap', 'webhook_raw', 'mailgun', 'sendgrid', 'postmark', 'cli')),
    CONSTRAINT inbound_status_valid CHECK (status IN
        ('stored', 'processing', 'processed', 'ignored', 'failed', 'dead')),
    CONSTRAINT inbound_size_matches CHECK (size_bytes = octet_length(raw)),
    CONSTRAINT inbound_sha256_length CHECK (octet_length(content_sha256) = 32),
    -- NULLS NOT DISTINCT (PostgreSQL 15): two deliveries to the shared address are duplicates too.
    CONSTRAINT unique_inbound_per_user UNIQUE NULLS NOT DISTINCT (user_id, dedupe_key)
);

CREATE INDEX idx_inbound_messages_status ON inbound_messages(status, received_at);
CREATE INDEX idx_inbound_messages_message_id ON inbound_messages(message_id);

-- IMAP mailboxes CAMS polls, with their checkpoint (RFC 3501: a UID is only meaningful with its
-- UIDVALIDITY) and a lease so that one process polls each mailbox.
CREATE TABLE mailboxes (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(id) ON DELETE CASCADE,
    name VARCHAR(255) NOT NULL UNIQUE,
    host VARCHAR(255) NOT NULL,
    port INTEGER NOT NULL,
    tls_mode VARCHAR(10) NOT NULL DEFAULT 'tls',
    username VARCHAR(255) NOT NULL,
    auth_method VARCHAR(10) NOT NULL DEFAULT 'password',
    -- FIX 5: the password or OAuth token, sealed by the application.
    secret BYTEA,
    key_id VARCHAR(64),
    folder VARCHAR(255) NOT NULL DEFAULT 'INBOX',
    processed_action VARCHAR(10) NOT NULL DEFAULT 'flag',
    move_to_folder VARCHAR(255),
    uid_validity BIGINT,
    last_uid BIGINT NOT NULL DEFAULT 0,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    lease_owner VARCHAR(255),
    lease_until TIMESTAMPTZ,
    last_poll_at TIMESTAMPTZ,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT mailbox_port_valid CHECK (port BETWEEN 1 AND 65535),
    CONSTRAINT mailbox_tls_mode_valid CHECK (tls_mode IN ('tls', 'starttls', 'plain')),
    CONSTRAINT mailbox_auth_valid CHECK (auth_method IN ('password', 'xoauth2')),
    CONSTRAINT mailbox_action_valid CHECK (processed_action IN ('flag', 'move')),
    CONSTRAINT mailbox_move_target
        CHECK (processed_action <> 'move' OR move_to_folder IS NOT NULL),
    CONSTRAINT mailbox_sealed_with_key CHECK (secret IS NULL OR key_id IS NOT NULL),
    CONSTRAINT mailbox_uid_non_negative CHECK (last_uid >= 0)
);

ALTER TABLE inbound_messages
    ADD CONSTRAINT inbound_mailbox_fk FOREIGN KEY (mailbox_id) REFERENCES mailboxes(id)
    ON DELETE SET NULL;

-- One-click approval links. Only a hash of the token is stored, so a database leak does not hand
-- out working links; used_at makes a token single-use (set in the same statement that checks it).
CREATE TABLE approval_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    request_id UUID NOT NULL REFERENCES availability_requests(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    action VARCHAR(20) NOT NULL,
    slot_index INTEGER,
    token_hash BYTEA NOT NULL UNIQUE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT approval_action_valid CHECK (action IN ('send', 'pick_slot', 'decline', 'ignore')),
    CONSTRAINT approval_slot_for_pick
        CHECK ((action = 'pick_slot') = (slot_index IS NOT NULL AND slot_index >= 1)),
    CONSTRAINT approval_expiry_after_creation CHECK (expires_at > created_at)
);

CREATE INDEX idx_approval_tokens_request ON approval_tokens(request_id);

-- Times offered to a guest are held, so a parallel thread is not offered the same time. Two active
-- holds of one user never overlap: the database refuses the second, not a check in code.
CREATE TABLE holds (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    request_id UUID REFERENCES availability_requests(id) ON DELETE CASCADE,
    during TSTZRANGE NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'active',
    expires_at TIMESTAMPTZ NOT NULL,
    released_at TIMESTAMPTZ,
    release_reason VARCHAR(50),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT hold_status_valid CHECK (status IN ('active', 'released', 'converted')),
    CONSTRAINT hold_range_valid CHECK (NOT isempty(during) AND lower_inc(during)
        AND NOT upper_inc(during) AND NOT lower_inf(during) AND NOT upper_inf(during)),
    CONSTRAINT hold_release_recorded CHECK ((status = 'active') = (released_at IS NULL)),
    CONSTRAINT no_overlapping_active_holds
        EXCLUDE USING gist (user_id WITH =, during WITH &&) WHERE (status = 'active')
);

CREATE INDEX idx_holds_request ON holds(request_id);
CREATE INDEX idx_holds_expiry ON holds(expires_at) WHERE status = 'active';

-- Meetings CAMS booked. The exclusion constraint is the guarantee against double booking: two
-- threads racing for one slot commit one booking, and the other gets an exclusion violation.
CREATE TABLE bookings (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    request_id UUID REFERENCES availability_requests(id) ON DELETE SET NULL,
    event_id UUID REFERENCES events(id) ON DELETE SET NULL,
    during TSTZRANGE NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'confirmed',
    ics_uid VARCHAR(255) NOT NULL UNIQUE,
    ics_sequence INTEGER NOT NULL DEFAULT 0,
    cancelled_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT booking_status_valid CHECK (status IN ('confirmed', 'cancelled')),
    CONSTRAINT booking_range_valid CHECK (NOT isempty(during) AND lower_inc(during)
        AND NOT upper_inc(during) AND NOT lower_inf(during) AND NOT upper_inf(during)),
    CONSTRAINT booking_cancel_recorded CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CONSTRAINT booking_sequence_non_negative CHECK (ics_sequence >= 0),
    CONSTRAINT no_overlapping_bookings
        EXCLUDE USING gist (user_id WITH =, during WITH &&) WHERE (status = 'confirmed')
);

CREATE INDEX idx_bookings_request ON bookings(request_id);
