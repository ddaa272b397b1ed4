"""Server-side conversation state: live transcript sessions (turns pushed as they are spoken) and the chat
history of "ask the standards". In memory, per process, forgotten after a TTL: it is customer speech."""
