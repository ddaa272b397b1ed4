"""Keeping customer secrets (phone, ID, card numbers, e-mail) out of LLM requests and logs."""
