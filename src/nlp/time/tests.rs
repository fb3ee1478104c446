//! Behaviour tests of `read_times`: conventions, zones, DST, calendar edges, ranking and
//! non-proposals, on whole sentences as people write them.
