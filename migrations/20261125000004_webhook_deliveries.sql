-- Inbound webhook deliveries seen, by the provider's delivery token. Mailgun signs only
-- timestamp + token, not the body, so a captured signature could carry another message: a token
-- seen again with different content is refused as a replay; with the same content it is the
-- provider retrying a delivery whose answer it lost, and gets the original answer.
CREATE TABLE webhook_deliveries (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    provider VARCHAR(20) NOT NULL,
    token VARCHAR(255) NOT NULL,
    content_sha256 BYTEA NOT NULL,
    inbound_message_id UUID REFERENCES inbound_messages(id) ON DELETE CASCADE,
    received_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT unique_webhook_delivery UNIQUE (provider, token),
    CONSTRAINT webhook_delivery_sha256_length CHECK (octet_length(content_sha256) = 32)
);

CREATE INDEX idx_webhook_deliveries_received ON webhook_deliveries(received_at);
