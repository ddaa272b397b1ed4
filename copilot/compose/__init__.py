"""Optional LLM composition: grounded replies and fluent rewrites, re-checked, with a safe fallback."""
