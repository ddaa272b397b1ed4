"""What agents do with the copilot's output (shown, copied, inserted, replaced), stored for QA."""
