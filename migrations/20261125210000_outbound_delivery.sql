-- Outbound delivery: everything a send needs is kept on the email_responses row, so the
-- `outbound.send` job can build the same message again on every attempt (same Message-ID, same
-- Date, same bytes) and a receiver can recognise a retry as the message it already has.

ALTER TABLE email_responses
    -- "Name <address>"; the From CAMS sends as.
    ADD COLUMN from_email TEXT,
    -- Every To recipient (reply-all can have several); to_email keeps the first, as the seed has it.
    ADD COLUMN to_emails TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN body_html TEXT,
    -- An iMIP part (RFC 6047): the iTIP method and the iCalendar object.
    ADD COLUMN calendar_method VARCHAR(10),
    ADD COLUMN calendar_ics TEXT,
    -- Threading (RFC 5322 section 3.6.4), Message-IDs with their angle brackets.
    ADD COLUMN in_reply_to VARCHAR(998),
    ADD COLUMN references_ids TEXT[] NOT NULL DEFAULT '{}',
    -- Set when a person approved the text; unset means the message is sent with
    -- Auto-Submitted: auto-replied (RFC 3834 section 5).
    ADD COLUMN approved_at TIMESTAMPTZ,
    ADD COLUMN delivery_attempts INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN last_attempt_at TIMESTAMPTZ,
    ADD CONSTRAINT calendar_part_complete
        CHECK ((calendar_method IS NULL) = (calendar_ics IS NULL)),
    ADD CONSTRAINT calendar_method_valid
        CHECK (calendar_method IS NULL OR calendar_method IN ('REQUEST', 'CANCEL')),
    -- A sent message must be traceable: its Message-ID and when it left.
    ADD CONSTRAINT sent_response_recorded
        CHECK (delivery_status <> 'sent' OR (message_id IS NOT NULL AND sent_at IS NOT NULL)),
    ADD CONSTRAINT failed_response_explained
        CHECK (delivery_status <> 'failed' OR error_details IS NOT NULL);
