"""Ask the standards: a question in the agent's own words → the passages that answer it (and, with an LLM,
a short answer citing them by number), or "规范中没有相关规定" when the standards do not cover it."""
