//! Unit tests of the intent engine on realistic short emails.
