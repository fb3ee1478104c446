//! Availability: free time out of busy events, preferences and holds (pure, no I/O).
