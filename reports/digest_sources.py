"""Read what the morning digest shows from the register, and nothing more."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from parsers.campaign import Campaign
from parsers.roster import Roster
from reports.compliance import assess_tallies
from reports.digest import (
    FLAG_REASONS,
    Digest,
    DigestSources,
    compose_digest,
    digest_window,
    other_campaign,
    papers_until,
)
from store.db import SessionFactory
from store.paper import paper_copies_by_unit
from store.read import (
    last_digest_until,
    list_mailboxes,
    mail_received,
    review_candidates,
)
from store.tallies import compliance_tallies


def gather_digest(
    sessions: SessionFactory,
    roster: Roster,
    campaign: Campaign,
    for_date: date,
    others: Sequence[Campaign] = (),
) -> Digest:
    """Return the digest dated ``for_date`` (covering the day before) from the register.

    It asks for the window's mail, each unit's standing as of the window's
    end (grouped by the database), the review queue and the mailboxes: the
    database returns a few thousand rows, whatever the size of the register.
    ``others`` are the other campaigns open that day: their standing follows.
    """
    start = digest_window(campaign, for_date, None).until
    with sessions() as session:
        window = digest_window(campaign, for_date, last_digest_until(session, start))
        papers = papers_until(paper_copies_by_unit(session, campaign.code), window)
        tallies = compliance_tallies(session, campaign.code, window.until)
        sources = DigestSources(
            new=mail_received(session, window.since, window.until),
            standing=assess_tallies(roster, campaign, tallies, papers),
            review=review_candidates(session, FLAG_REASONS, window.until),
            mailboxes=list_mailboxes(session),
        )
        beside = tuple(
            other_campaign(
                other,
                for_date,
                assess_tallies(
                    roster,
                    other,
                    compliance_tallies(session, other.code, window.until),
                    papers_until(paper_copies_by_unit(session, other.code), window),
                ),
            )
            for other in others
        )
    return replace(compose_digest(roster, campaign, for_date, window, sources), others=beside)
