"""Server-side conversation state: live transcript sessions (turns pushed as they are spoken) and the chat
history of "ask the standards", forgotten after a TTL: it is customer speech. Kept in memory for one process or on
Redis for several (`copilot/state`)."""
