//! Integration tests against the real PostgreSQL (and, later, Dovecot, SMTP, Radicale).
