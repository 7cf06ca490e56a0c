"""Slash commands, action ids and view callback ids, shared by the message builders and the listeners.

A builder puts an id on a button; a listener registers for it; the manifest test checks both sides.
"""

MENTOR_COMMAND = "/mentor"
STATS_COMMAND = "/mentoring-stats"

# Who is who
CHOOSE_ROLE_STUDENT = "choose_role_student"
CHOOSE_ROLE_ALUMNUS = "choose_role_alumnus"

# The /mentor menu
OPEN_REQUEST_MODAL = "open_request_modal"
OPEN_VOLUNTEER_MODAL = "open_volunteer_modal"
SHOW_STATUS = "show_status"
SHOW_HELP = "show_help"
PAUSE_MENTORING = "pause_mentoring"
RESUME_MENTORING = "resume_mentoring"

# Volunteering
VOLUNTEER_VIEW = "volunteer_modal"

# Requests and offers
REQUEST_VIEW = "request_modal"
PREFERRED_MENTOR_SELECT = "preferred_mentor"  # external_select served by the bot
CANCEL_REQUEST = "cancel_request"
ACCEPT_OFFER = "accept_offer"
DECLINE_OFFER = "decline_offer"
DECLINE_VIEW = "decline_offer_modal"

# Mentorships
FIRST_CONTACT_DONE = "first_contact_done"
END_MENTORSHIP = "end_mentorship"
END_MENTORSHIP_VIEW = "end_mentorship_modal"
