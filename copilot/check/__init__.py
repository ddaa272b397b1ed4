"""The pre-send draft checker: forbidden language as exact spans, with the rule, why, and what to say."""
