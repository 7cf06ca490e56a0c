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
# Volunteering: the inputs of the volunteer modal (each block's id is also its element's action id)
VOLUNTEER_TOPICS = "volunteer_topics"
VOLUNTEER_LANGUAGES = "volunteer_languages"
VOLUNTEER_CAPACITY = "volunteer_capacity"
VOLUNTEER_GRADUATION_YEAR = "volunteer_graduation_year"
VOLUNTEER_INDUSTRY = "volunteer_industry"
VOLUNTEER_JOB_TITLE = "volunteer_job_title"
VOLUNTEER_CHARTER = "volunteer_charter"

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

# Status, App Home, ending a mentorship, admin tools: the input of the end-mentorship modal
# (read from the view's state, not listened to; the manifest test skips ids under an "input" comment)
END_REASON_INPUT = "end_reason_input"

# The admins' report (/mentoring-stats)
EXPORT_STATS_CSV = "export_stats_csv"

# Follow-ups (scheduled messages): every button carries its follow-up's id as value
FOLLOWUP_CONTACT_YES = "followup_contact_yes"
FOLLOWUP_CONTACT_NOT_YET = "followup_contact_not_yet"
FOLLOWUP_RELEASE_MATCH = "followup_release_match"
FOLLOWUP_RATE_1 = "followup_rate_1"
FOLLOWUP_RATE_2 = "followup_rate_2"
FOLLOWUP_RATE_3 = "followup_rate_3"
FOLLOWUP_RATE_4 = "followup_rate_4"
FOLLOWUP_RATE_5 = "followup_rate_5"
FOLLOWUP_NOT_MET_YET = "followup_not_met_yet"
FOLLOWUP_MET = "followup_met"
FOLLOWUP_MET_VIDEO = "followup_met_video"
FOLLOWUP_MET_IN_PERSON = "followup_met_in_person"
FOLLOWUP_MET_PHONE = "followup_met_phone"
FOLLOWUP_REMIND_NEXT_WEEK = "followup_remind_next_week"
FOLLOWUP_END = "followup_end"
FOLLOWUP_END_VIEW = "followup_end_modal"
FOLLOWUP_CONTINUE = "followup_continue"
FOLLOWUP_RENEW = "followup_renew"
FOLLOWUP_CLOSE = "followup_close"
FOLLOWUP_STOP_REMINDERS = "followup_stop_reminders"
FOLLOWUP_COMMENT_VIEW = "followup_comment_modal"
FOLLOWUP_SNOOZE = "followup_snooze"
FOLLOWUP_FIT_GOOD = "followup_fit_good"
FOLLOWUP_FIT_UNDECIDED = "followup_fit_undecided"
FOLLOWUP_FIT_NOT_GOOD = "followup_fit_not_good"
# Follow-ups: inputs of the comment and end modals (read from the view's state, not listened to)
FOLLOWUP_COMMENT_INPUT = "followup_comment_input"
FOLLOWUP_END_REASON_INPUT = "followup_end_reason_input"

# Programme settings and recruiting (/mentoring-stats settings: bot/settings.py, bot/recruiting.py)
OPEN_CHARTER_MODAL = "open_charter_modal"
OPEN_TOPICS_MODAL = "open_topics_modal"
OPEN_CADENCES_MODAL = "open_cadences_modal"
START_RECRUITING = "start_recruiting"
RECRUITING_NOT_NOW = "recruiting_not_now"
CHARTER_VIEW = "charter_modal"
TOPICS_VIEW = "topics_modal"
CADENCES_VIEW = "cadences_modal"
# Programme settings: the inputs of the charter, topics and cadences modals (read from the view state;
# a cadence's input id is the prefix followed by its `ProgrammeSettings` column)
CHARTER_TEXT_FR = "charter_text_fr"
CHARTER_TEXT_EN = "charter_text_en"
TOPICS_INPUT = "topics_input"
CADENCE_INPUT_PREFIX = "cadence_"

# Data rights (/mentor privacy): export, erase, and the erase confirmation modal
PRIVACY_EXPORT = "privacy_export"
PRIVACY_DELETE = "privacy_delete"
PRIVACY_DELETE_VIEW = "privacy_delete_modal"

# The students' mentor directory (/mentor mentors: bot/directory.py); every filter re-renders the list
OPEN_DIRECTORY = "open_directory"
DIRECTORY_VIEW = "directory_modal"
DIRECTORY_FILTER_TOPIC = "directory_filter_topic"
DIRECTORY_FILTER_LANGUAGE = "directory_filter_language"
DIRECTORY_FILTER_INDUSTRY = "directory_filter_industry"
DIRECTORY_FILTER_YEAR = "directory_filter_year"
DIRECTORY_PREVIOUS = "directory_previous"
DIRECTORY_MORE = "directory_more"
DIRECTORY_ASK = "directory_ask"  # on every card, its value the mentor's member id

# The mentor directory: the volunteer modal's inputs for it (read from the view state, not listened to)
VOLUNTEER_HOW_I_CAN_HELP = "volunteer_how_i_can_help"
VOLUNTEER_IN_DIRECTORY = "volunteer_in_directory"
# Booking a meeting (bot/booking.py): the buttons carry the mentorship's id (propose) or the booking's
BOOKING_OPEN_DM = "booking_open_dm"  # a link button into the DM with the mentor: acked, nothing to do
BOOKING_PROPOSE = "booking_propose"
BOOKING_VIEW = "booking_modal"
BOOKING_PICK_1 = "booking_pick_1"
BOOKING_PICK_2 = "booking_pick_2"
BOOKING_PICK_3 = "booking_pick_3"
BOOKING_NONE_FIT = "booking_none_fit"
BOOKING_RESCHEDULE = "booking_reschedule"
BOOKING_CANCEL = "booking_cancel"
FOLLOWUP_MEETING_HAPPENED = "followup_meeting_happened"
FOLLOWUP_MEETING_MISSED = "followup_meeting_missed"
# Booking: the inputs of the booking modal, the mentor's link and the school's (read from the view state)
BOOKING_SLOT_1 = "booking_slot_1"
BOOKING_SLOT_2 = "booking_slot_2"
BOOKING_SLOT_3 = "booking_slot_3"
BOOKING_MODE = "booking_mode"
BOOKING_LINK = "booking_link"
VOLUNTEER_MEETING_LINK = "volunteer_meeting_link"
SETTINGS_MEETING_LINK = "settings_meeting_link"

# Matching by hand (an admin's "Find a mentor", bot/hand_matching.py): buttons carry the request id
FIND_MENTOR = "find_mentor"
HAND_MATCH_VIEW = "hand_match_modal"
HAND_MATCH_SELECT = "hand_match_mentor"  # external_select served by the bot: any available mentor

# Matching by hand: the modal's input of the ranked candidates (read from the view state, not listened to)
HAND_MATCH_CANDIDATE = "hand_match_candidate"

# The mentors' queue in their Home (bot/mentor_queue.py): "I can take this" carries the request id; the
# student's Accept / No thanks carry the offer id
TAKE_QUEUED_REQUEST = "take_queued_request"
CONFIRM_MENTOR_PROPOSAL = "confirm_mentor_proposal"
REFUSE_MENTOR_PROPOSAL = "refuse_mentor_proposal"

# Verified alumni (bot/verification.py): the admins' Approve / Decline, value the alumnus's member id
VERIFY_ALUMNUS_APPROVE = "verify_alumnus_approve"
VERIFY_ALUMNUS_DECLINE = "verify_alumnus_decline"
# Verified alumni: the cadences modal's checkbox input (open self-declaration when unticked)
ALUMNI_VERIFICATION_INPUT = "alumni_verification"
ALUMNI_VERIFICATION_ON = "on"

# Issue 15 §4: the report's failed follow-ups re-sent (value: the follow-up's id; "all" for every one)
RESEND_FOLLOWUP = "resend_followup"
RESEND_ALL_FOLLOWUPS = "resend_all_followups"

# Issue 15 §5: recognition. The admins' "Ask to share" (value: their "mentor to thank" follow-up's id),
# its channel modal, the mentor's consent (value: the kudos id), and the thank-you settings modal.
KUDOS_ASK = "kudos_ask"
KUDOS_VIEW = "kudos_modal"
KUDOS_YES = "kudos_yes"
KUDOS_NO = "kudos_no"
OPEN_THANKS_MODAL = "open_thanks_modal"
THANKS_VIEW = "thanks_modal"
# Recognition: the inputs of the kudos and thank-you modals (read from the view state, not listened to)
KUDOS_CHANNEL = "kudos_channel"
THANKS_TEXT_FR = "thanks_text_fr"
THANKS_TEXT_EN = "thanks_text_en"

# The admins' feedback loop (bot/feedback.py): the alerts' buttons (values: the mentorship id; the two
# contact buttons are slack:// links, whose clicks Slack still sends), the feedback view's pages and CSV,
# the digest's report button, the admins' channel setting, and the pair's history modal (no submit)
ADMIN_PAIR_HISTORY = "admin_pair_history"
ADMIN_CONTACT_STUDENT = "admin_contact_student"
ADMIN_CONTACT_MENTOR = "admin_contact_mentor"
ADMIN_CLOSE_PAIR = "admin_close_pair"
FEEDBACK_MORE = "feedback_more"
FEEDBACK_CSV = "feedback_csv"
DIGEST_FULL_REPORT = "digest_full_report"
OPEN_ADMIN_CHANNEL_MODAL = "open_admin_channel_modal"
PAIR_HISTORY_VIEW = "pair_history_modal"
ADMIN_CHANNEL_VIEW = "admin_channel_modal"

# The admins' channel modal: its input (read from the view state)
ADMIN_CHANNEL_INPUT = "admin_channel_input"

# The installer's welcome and the first set-up (bot/welcome.py)
OPEN_ANNOUNCEMENT_MODAL = "open_announcement_modal"
ANNOUNCEMENT_VIEW = "announcement_modal"

# The announcement modal: its input (read from the view state)
ANNOUNCEMENT_CHANNEL = "announcement_channel"
