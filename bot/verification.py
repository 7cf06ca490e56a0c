"""Only verified alumni mentor: many students are minors, so a self-declared alumnus is offered no request
and is not in the directory until the school's roster (`mentorbot import`) or an admin has verified them.

The admins are asked once per person, when the alumnus first saves a mentor profile: that is when the
bot knows what to show them (class, industry, role) and when it matters. Each admin gets a DM with
Approve / Decline; the first click decides (a conditional UPDATE), later ones are told who decided. Every
decision goes in the settings audit trail (`setting = "alumnus:<user id>"`). A school may choose open
self-declaration instead (`ProgrammeSettings.alumni_verification` off): then nobody is asked.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.context import BotContext
from bot.members import Person, member_locale, programme_admin_ids
from bot.messages import verification as messages
from bot.messages.admin_roles import admins_only
from bot.messages.verification import AlumnusClaim
from bot.outcome import Notice, NoticeKind, Outcome, reply
from storage.models import Member, MentorProfile, Role, Verification
from storage.queries import settings as settings_queries
from storage.queries.members import (
    alumni_verification_on,
    claim_verification_request,
    decide_verification,
)

logger = logging.getLogger(__name__)

AUDIT_PREFIX = "alumnus:"


def ask_admins_about(bot: BotContext, session: Session, person: Person) -> tuple[Notice, ...]:
    """In the volunteer's transaction: the admins' Approve / Decline DMs and a word to the volunteer, the
    first time an unverified alumnus saves a profile while the school verifies alumni; else nothing."""
    if person.role is not Role.ALUMNUS or not alumni_verification_on(session, person.team_id):
        return ()
    if not claim_verification_request(session, person.member_id, bot.clock.now()):
        return ()
    member = session.get(Member, person.member_id)
    profile = session.get(MentorProfile, person.member_id)
    assert member is not None
    claim = AlumnusClaim(
        member_id=member.id,
        user_id=member.slack_user_id,
        graduation_year=member.graduation_year,
        industry=profile.industry if profile else None,
        job_title=profile.job_title if profile else None,
    )
    admins = [
        admin
        for admin_id in programme_admin_ids(bot, session, person.team_id)
        if (admin := session.get(Member, admin_id)) is not None and admin.id != member.id
    ]
    logger.info("alumnus %s volunteered unverified: %d admins asked", member.slack_user_id, len(admins))
    to_admins = tuple(
        Notice(
            admin.slack_user_id,
            messages.verification_request(member_locale(bot, admin), claim),
            NoticeKind.ALUMNUS_VERIFICATION,
            recipient_id=admin.id,
            about=(member.id,),
        )
        for admin in admins
    )
    to_volunteer = Notice(
        person.user_id, messages.pending_for_alumnus(person.locale), NoticeKind.CONFIRMATION, person.member_id
    )
    return (to_volunteer, *to_admins)


def approve_alumnus(bot: BotContext, admin: Person, member_id: int) -> Outcome:
    return _decide(bot, admin, member_id, Verification.VERIFIED)


def decline_alumnus(bot: BotContext, admin: Person, member_id: int) -> Outcome:
    return _decide(bot, admin, member_id, Verification.DECLINED)


def _decide(bot: BotContext, admin: Person, member_id: int, verification: Verification) -> Outcome:
    """The admin's click, admin status checked again: a non-admin learns nothing. The first click decides,
    is recorded in the audit trail and told to the alumnus; an approval offers them waiting requests."""
    if not admin.is_admin:
        logger.warning("non-admin %s clicked an alumnus verification button", admin.user_id)
        return reply(admins_only(admin.locale))
    with bot.sessions.begin() as session:
        member = session.get(Member, member_id)
        if member is None or member.team_id != admin.team_id or member.role != Role.ALUMNUS:
            return reply(messages.nothing_to_decide(admin.locale), replace_original=True)
        user_id = member.slack_user_id
        if not decide_verification(session, member_id, verification, admin.user_id):
            session.refresh(member)
            decided = Verification(member.verification) if member.verification else None
            answer = messages.already_decided(admin.locale, user_id, decided, member.verification_decided_by)
            return reply(answer, replace_original=True)
        settings_queries.record_change(
            session,
            admin.team_id,
            changed_by=admin.user_id,
            setting=AUDIT_PREFIX + user_id,
            old_value=None,
            new_value=verification.value,
            now=bot.clock.now(),
        )
        told = Notice(
            user_id,
            messages.decision_for_alumnus(member_locale(bot, member), verification),
            NoticeKind.CONFIRMATION,
            recipient_id=member.id,
        )
    logger.info("admin %s decided alumnus %s: %s", admin.user_id, user_id, verification.value)
    return Outcome(
        reply=messages.decided_for_admin(admin.locale, user_id, verification),
        replace_original=True,
        notices=(told,),
        reoffer_team=admin.team_id if verification is Verification.VERIFIED else None,
    )
