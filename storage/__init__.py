"""Tables, sessions, queries and migrations: knows the database, nothing of Slack."""
