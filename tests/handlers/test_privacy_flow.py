"""Students' data rights over signed HTTP: see what is stored, export it, delete it (self or via an admin)."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from bot import ids
from bot.clock import ManualClock
from bot.sandbox import Sandbox
from storage.models import (
    CharterAcceptance,
    Followup,
    Member,
    MentoringRequest,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    Offer,
    OfferStatus,
    RequestStatus,
    SurveyAnswer,
)
from tests.factories import action_ids, ask_for_mentor, mentor_in_sandbox, shown_text, student_in_sandbox
from tests.factories_followups import Pair, matched_pair

SECRET_WORDS = "I feel lost about my studies, please help <3"


def a_pair_with_history(sandbox: Sandbox, clock: ManualClock, *, student_locale: str = "fr") -> Pair:
    """A matched pair whose student wrote a request message, rated the first meeting with a comment and
    accepted the charter."""
    pair = matched_pair(sandbox, clock, student_locale=student_locale, mentor_locale="en")
    with sandbox.bot.sessions.begin() as session:
        mentorship = session.get(Mentorship, pair.mentorship_id)
        assert mentorship is not None and mentorship.request is not None
        mentorship.request.message = SECRET_WORDS
        session.add(
            SurveyAnswer(
                team_id=sandbox.team_id,
                mentorship_id=pair.mentorship_id,
                member_id=pair.student_id,
                survey="first_meeting",
                rating=4,
                comment="Mon mentor est génial",
                answered_at=clock.now(),
            )
        )
        session.add(
            CharterAcceptance(
                team_id=sandbox.team_id,
                member_id=pair.student_id,
                version=1,
                accepted_as="mentee",
                accepted_at=clock.now(),
            )
        )
    return pair


def count(sandbox: Sandbox, model: type, *where: object) -> int:
    with sandbox.bot.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def delete_my_data(sandbox: Sandbox, user_id: str) -> None:
    sandbox.command(user_id, "privacy")
    sandbox.click(user_id, sandbox.slack.last_message_to(user_id), ids.PRIVACY_DELETE)
    confirmation = sandbox.slack.last_view_opened()
    assert confirmation["callback_id"] == ids.PRIVACY_DELETE_VIEW
    sandbox.submit(user_id, confirmation, {})


# ------------------------------------------------------------------------------------------------------
# Seeing and exporting


@pytest.mark.parametrize(
    ("word", "locale", "expected"),
    [
        ("privacy", "en", "What mentorbot stores about you"),
        ("confidentialite", "fr", "Ce que mentorbot conserve sur vous"),
    ],
)
def test_privacy_shows_what_is_stored_and_why_in_the_persons_language(
    sandbox: Sandbox, clock: ManualClock, word: str, locale: str, expected: str
) -> None:
    pair = a_pair_with_history(sandbox, clock, student_locale=locale)

    sandbox.command(pair.student_user, word)

    overview = sandbox.slack.last_message_to(pair.student_user)
    text = shown_text(overview)
    assert expected in text
    assert "(1)" in text  # one request, one mentorship, one survey answer, one comment, one charter
    # 730 days of retention, in words (Babel separates number and unit with a no-break space or not)
    assert {"en": "is erased after 2 years", "fr": "au bout de 2 ans"}[locale] in text.replace("\u00a0", " ")
    assert action_ids(overview) == [ids.PRIVACY_EXPORT, ids.PRIVACY_DELETE]


def test_export_sends_everything_about_the_person_as_json_to_their_dm(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = a_pair_with_history(sandbox, clock)
    sandbox.command(pair.student_user, "privacy")

    sandbox.click(pair.student_user, sandbox.slack.last_message_to(pair.student_user), ids.PRIVACY_EXPORT)

    [upload] = sandbox.slack.uploaded_files
    assert upload.channel_id == "D" + pair.student_user[1:]
    assert upload.filename.endswith(".json")
    data = json.loads(upload.content)
    assert data["member"]["slack_user_id"] == pair.student_user
    assert data["requests"][0]["message"] == SECRET_WORDS
    assert data["mentorships"][0]["mentor"] == pair.mentor_user
    assert data["survey_answers"][0]["comment"] == "Mon mentor est génial"
    assert data["charter_acceptances"][0]["accepted_as"] == "mentee"
    assert {f["kind"] for f in data["follow_ups"]} >= {"first_contact_reminder"}
    assert "dans vos messages privés" in shown_text(sandbox.slack.last_message_to(pair.student_user))


# ------------------------------------------------------------------------------------------------------
# Deleting one's own data


def test_deleting_ends_the_mentorship_kindly_and_keeps_only_anonymous_counts(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = a_pair_with_history(sandbox, clock)

    delete_my_data(sandbox, pair.student_user)

    told = shown_text(sandbox.slack.last_message_to(pair.mentor_user))
    assert f"<@{pair.student_user}> has ended your mentorship" in told
    assert "nobody's failure" in told
    assert "Vos données ont été supprimées" in shown_text(sandbox.slack.last_message_to(pair.student_user))
    with sandbox.bot.sessions.begin() as session:
        member = session.get(Member, pair.student_id)
        assert member is not None
        assert member.slack_user_id == f"erased-{pair.student_id}"
        assert (member.locale, member.tz, member.display_name) == (None, None, None)
        mentorship = session.get(Mentorship, pair.mentorship_id)
        assert mentorship is not None
        assert mentorship.status == MentorshipStatus.ENDED
        assert (mentorship.student_id, mentorship.mentor_id) == (None, pair.mentor_id)
        assert mentorship.end_reason is None and mentorship.ended_by_id is None
        answer = session.scalar(select(SurveyAnswer))
        assert answer is not None and (answer.member_id, answer.rating, answer.comment) == (None, 4, None)
        assert session.scalar(select(MentoringRequest.message)) == ""
        assert session.scalar(select(MentorProfile.active_mentee_count)) == 0  # the mentor's place is free
    assert count(sandbox, Followup, Followup.recipient_id == pair.student_id) == 0
    assert count(sandbox, CharterAcceptance) == 0
    assert count(sandbox, Mentorship) == 1  # the school still counts it


def test_a_new_command_after_deletion_starts_afresh(sandbox: Sandbox, clock: ManualClock) -> None:
    pair = a_pair_with_history(sandbox, clock)
    delete_my_data(sandbox, pair.student_user)

    sandbox.command(pair.student_user)

    assert "dites-nous qui vous êtes" in shown_text(sandbox.slack.last_message_to(pair.student_user))
    with sandbox.bot.sessions.begin() as session:
        fresh = session.scalar(select(Member).where(Member.slack_user_id == pair.student_user))
        assert fresh is not None and fresh.id != pair.student_id and fresh.role is None


def test_a_students_open_request_is_cancelled_and_mentors_no_longer_see_their_words(
    sandbox: Sandbox,
) -> None:
    student_in_sandbox(sandbox, "USTU", locale="fr")
    for mentor in ("UM1", "UM2"):
        mentor_in_sandbox(sandbox, mentor, locale="en")
    ask_for_mentor(sandbox, "USTU", message=SECRET_WORDS)
    assert SECRET_WORDS.replace("<", "&lt;") in shown_text(sandbox.slack.last_message_to("UM1"))

    delete_my_data(sandbox, "USTU")

    for mentor in ("UM1", "UM2"):
        dm = sandbox.slack.last_message_to(mentor)
        assert "the student's data was deleted at their request" in shown_text(dm)
        assert "lost about my studies" not in str(dm.blocks) and action_ids(dm) == []
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(MentoringRequest.status)) == RequestStatus.CANCELLED
        assert set(session.scalars(select(Offer.status))) == {OfferStatus.WITHDRAWN}


def test_a_mentors_profile_goes_and_their_pending_offer_goes_to_another_mentor(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", locale="fr")
    leaving = mentor_in_sandbox(sandbox, "ULEAVING", locale="en", job_title="Nurse")
    ask_for_mentor(sandbox, "USTU")
    mentor_in_sandbox(sandbox, "UNEXT", locale="en")  # volunteered after the request went out

    delete_my_data(sandbox, "ULEAVING")

    assert count(sandbox, MentorProfile, MentorProfile.member_id == leaving) == 0
    with sandbox.bot.sessions.begin() as session:
        statuses = {
            user: status
            for user, status in session.execute(
                select(Member.slack_user_id, Offer.status).join(Member, Member.id == Offer.mentor_id)
            )
        }
    assert statuses == {f"erased-{leaving}": OfferStatus.WITHDRAWN, "UNEXT": OfferStatus.PENDING}
    assert ids.ACCEPT_OFFER in action_ids(sandbox.slack.last_message_to("UNEXT"))


def test_closing_the_confirmation_deletes_nothing(sandbox: Sandbox, clock: ManualClock) -> None:
    pair = a_pair_with_history(sandbox, clock)
    sandbox.command(pair.student_user, "privacy")
    sandbox.click(pair.student_user, sandbox.slack.last_message_to(pair.student_user), ids.PRIVACY_DELETE)

    sandbox.driver.close_view(pair.student_user, sandbox.slack.last_view_opened())

    assert count(sandbox, Member, Member.slack_user_id == pair.student_user) == 1
    assert count(sandbox, Mentorship, Mentorship.status == MentorshipStatus.ACTIVE) == 1


def test_deleting_twice_is_harmless(sandbox: Sandbox, clock: ManualClock) -> None:
    pair = a_pair_with_history(sandbox, clock)
    delete_my_data(sandbox, pair.student_user)
    confirmation = sandbox.slack.view(sandbox.slack.last_view_opened()["id"])

    sandbox.submit(pair.student_user, confirmation, {})  # the same confirmation, submitted again

    assert count(sandbox, Mentorship) == 1
    assert count(sandbox, Member, Member.slack_user_id.like("erased-%")) == 1


# ------------------------------------------------------------------------------------------------------
# Admins, for a member who asked them


def test_an_admin_exports_a_members_data_to_their_own_dm(sandbox: Sandbox, clock: ManualClock) -> None:
    pair = a_pair_with_history(sandbox, clock)
    sandbox.slack.add_user("UADMIN", locale="en-GB")

    sandbox.command("UADMIN", f"admin privacy <@{pair.student_user}|stu> export")

    [upload] = sandbox.slack.uploaded_files
    assert upload.channel_id == "DADMIN"
    assert json.loads(upload.content)["member"]["slack_user_id"] == pair.student_user
    assert "to pass on to them" in shown_text(sandbox.slack.last_message_to("UADMIN"))


def test_an_admin_deletes_a_members_data_after_confirming(sandbox: Sandbox, clock: ManualClock) -> None:
    pair = a_pair_with_history(sandbox, clock)
    sandbox.slack.add_user("UADMIN", locale="en-GB")

    sandbox.command("UADMIN", f"admin privacy <@{pair.student_user}> delete")
    sandbox.submit("UADMIN", sandbox.slack.last_view_opened(), {})

    assert count(sandbox, Member, Member.slack_user_id == pair.student_user) == 0
    assert "only anonymous counts remain" in shown_text(sandbox.slack.last_message_to("UADMIN"))
    assert f"<@{pair.student_user}> has ended your mentorship" in shown_text(
        sandbox.slack.last_message_to(pair.mentor_user)
    )


def test_a_non_admin_is_refused_admin_privacy_and_the_attempt_logged(
    sandbox: Sandbox, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    pair = a_pair_with_history(sandbox, clock)
    caplog.set_level(logging.WARNING, logger="bot.privacy")

    sandbox.command(pair.mentor_user, f"admin privacy <@{pair.student_user}> export")

    assert sandbox.slack.uploaded_files == []
    assert "only the mentoring programme's admins can do that" in shown_text(
        sandbox.slack.last_message_to(pair.mentor_user)
    )
    assert any("tried /mentor admin privacy" in record.getMessage() for record in caplog.records)


def test_an_admin_demoted_in_slack_is_refused_at_once(sandbox: Sandbox, clock: ManualClock) -> None:
    """The stored admin flag is refreshed hourly; data-rights acts ask Slack at that moment."""
    pair = a_pair_with_history(sandbox, clock)
    sandbox.slack.add_user("UBOSS", locale="en-GB", is_admin=True)
    sandbox.command("UBOSS", "help")  # the bot now remembers UBOSS as a workspace admin
    sandbox.slack.add_user("UBOSS", locale="en-GB", is_admin=False)  # demoted a minute later

    sandbox.command("UBOSS", f"admin privacy <@{pair.student_user}> export")

    assert sandbox.slack.uploaded_files == []
    assert "only the mentoring programme's admins can do that" in shown_text(
        sandbox.slack.last_message_to("UBOSS")
    )


def test_admin_privacy_with_bad_arguments_shows_the_usage(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UADMIN", locale="fr-FR")

    sandbox.command("UADMIN", "admin privacy someone")

    assert "Utilisation : `/mentor admin privacy" in shown_text(sandbox.slack.last_message_to("UADMIN"))
