"""State the replicas of the API share (live sessions, their events, chat history, rate-limit counters): in this
process's memory by default, on Redis when `state.redis_url` is set."""
