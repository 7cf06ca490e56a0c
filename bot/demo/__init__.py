"""`mentorbot demo`: a whole mentoring programme on one machine, without a Slack workspace."""
