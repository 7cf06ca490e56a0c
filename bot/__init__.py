"""mentorbot: the mentoring programme (rules, messages, scheduling) returning `Outcome`s, the one module
that talks to Slack (`bot.slack`, driven by `bot.deliver`), and the process around them: configuration,
the HTTP server, the scheduler, the command line, and the Slack stand-in the tests and the demo use."""
