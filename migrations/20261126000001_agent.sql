-- The agent: requests tied to their message and thread, the decision with its reasons, replies
-- that wait (a delay, or the user's approval), and the addresses a user is reached at.

-- A user's other addresses. An alias with an @ is a full address ("alice@corp.example"); one
-- without is a plus-address tag: mail to schedule+<tag>@<CAMS domain> is for that user.
CREATE TABLE user_aliases (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    alias VARCHAR(255) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- Compared lower-cased everywhere; storing it so makes the unique index mean what it says.
    CONSTRAINT alias_lower_case CHECK (alias = lower(alias) AND length(alias) > 0),
    CONSTRAINT unique_alias UNIQUE (alias)
);

CREATE INDEX idx_user_aliases_user ON user_aliases(user_id);

ALTER TABLE availability_requests
    -- The stored message this request was read from (kept when the message is purged).
    ADD COLUMN inbound_message_id UUID REFERENCES inbound_messages(id) ON DELETE SET NULL,
    -- Who replies go to: the guest (for a forward, the forwarded original's sender, not the
    -- user who forwarded it), and who else stays on the thread.
    ADD COLUMN guest_email VARCHAR(255),
    ADD COLUMN guest_name VARCHAR(255),
    ADD COLUMN cc_emails TEXT[] NOT NULL DEFAULT '{}',
    -- The policy's decision: action, send mode and every reason (also in audit_logs).
    ADD COLUMN decision JSONB,
    -- Slots offered to the guest by this request's reply, in the order shown (1-based in text).
    ADD COLUMN offered_slots JSONB NOT NULL DEFAULT '[]',
    ADD COLUMN handled_at TIMESTAMPTZ;

CREATE UNIQUE INDEX unique_request_per_inbound
    ON availability_requests(user_id, inbound_message_id) WHERE inbound_message_id IS NOT NULL;

-- A reply can now wait: as a draft until the user approves it, or scheduled for later
-- (auto_respond_delay) and cancelled when the user acts or the guest writes again meanwhile.
ALTER TABLE email_responses DROP CONSTRAINT delivery_status_valid;
ALTER TABLE email_responses
    ADD CONSTRAINT delivery_status_valid CHECK (delivery_status IN
        ('draft', 'pending', 'sent', 'delivered', 'bounced', 'failed', 'cancelled')),
    ADD COLUMN send_after TIMESTAMPTZ,
    ADD COLUMN cancelled_reason TEXT,
    ADD CONSTRAINT cancelled_response_explained
        CHECK (delivery_status <> 'cancelled' OR cancelled_reason IS NOT NULL);

CREATE INDEX idx_email_responses_message_id ON email_responses(message_id);
CREATE INDEX idx_availability_requests_message ON availability_requests(email_message_id);

-- A booking made by CAMS is a real event in the user's CAMS calendar (so every availability
-- query sees it), and its attendees are who the invitation went to.
ALTER TABLE bookings
    ADD COLUMN thread_id VARCHAR(255),
    ADD COLUMN attendees TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN title VARCHAR(500);

CREATE INDEX idx_bookings_thread ON bookings(user_id, thread_id);
