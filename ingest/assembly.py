"""The poller's collaborators: the shared root (app.root) plus the extraction workers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from app.config import Config, load_roster
from app.root import load_rules, utc_now
from ingest.extraction import TimedExtractor
from ingest.poll import Services
from store.blobs import BlobStore
from store.db import Engine, make_session_factory
from store.decisions import learned_addresses


@contextmanager
def open_services(config: Config, engine: Engine) -> Iterator[Services]:
    """Yield the shell's collaborators; the extraction worker processes stop on exit."""
    roster = load_roster(config.units_file, config.addresses_file)
    # The storage folder is made by the first file stored (BlobStore.put), so a
    # command that fails before storing anything leaves no folder behind.
    sessions = make_session_factory(engine)
    with sessions() as session:
        learned = learned_addresses(session)
    with TimedExtractor() as extractor:
        yield Services(
            sessions=sessions,
            blobs=BlobStore(config.storage_dir),
            rules=load_rules(config, roster, learned),
            clock=utc_now,
            extract=extractor,
            workers=extractor,
            read_item=extractor.read_item,
        )
