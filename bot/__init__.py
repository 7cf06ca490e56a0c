"""mentorbot: the mentoring programme itself (rules, messages, scheduling), free of HTTP."""
