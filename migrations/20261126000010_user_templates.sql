-- Users' own reply templates (issue 5, item 3): an optional HTML body beside the text body, and
-- the columns the one-default rule relies on made NOT NULL. A NULL language would slip past the
-- partial unique index (NULLs are distinct), letting a user keep two defaults of one type.

ALTER TABLE email_templates ADD COLUMN body_html TEXT;

UPDATE email_templates SET language = 'en' WHERE language IS NULL;
UPDATE email_templates SET is_default = FALSE WHERE is_default IS NULL;
UPDATE email_templates SET is_active = TRUE WHERE is_active IS NULL;
UPDATE email_templates SET usage_count = 0 WHERE usage_count IS NULL;

ALTER TABLE email_templates
    ALTER COLUMN language SET NOT NULL,
    ALTER COLUMN is_default SET NOT NULL,
    ALTER COLUMN is_active SET NOT NULL,
    ALTER COLUMN usage_count SET NOT NULL,
    -- A language tag as templates are looked up by: "en", "fr", "pt-BR".
    ADD CONSTRAINT template_language_valid
        CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
    ADD CONSTRAINT template_name_not_blank CHECK (btrim(name) <> '');
