"""The bot's messages and views: one builder per message, pure functions from data to Block Kit."""
