"""[[mailboxes]] receiving_hosts: the office's own mail servers, for `import`'s receive time."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, load_config
from tests.app.test_config import ROOT, write_config


def test_receiving_hosts_are_read_lower_case_without_repeats(tmp_path: Path) -> None:
    hosts = 'folder = "INBOX"\nreceiving_hosts = ["MX1.tayninh.gov.vn.", "mx1.tayninh.gov.vn", "mail.tayninh.gov.vn"]'
    config = load_config(write_config(tmp_path, ('folder = "INBOX"', hosts)))
    assert config.mailboxes[0].receiving_hosts == ("mx1.tayninh.gov.vn", "mail.tayninh.gov.vn")
    assert load_config(ROOT / "config.toml").mailboxes[0].receiving_hosts == ()


@pytest.mark.parametrize("value", ['"mx1.tayninh.gov.vn"', '["mx1 tayninh"]', '[""]', "[1]"])
def test_receiving_hosts_that_are_not_a_list_of_host_names_are_refused(
    tmp_path: Path, value: str
) -> None:
    path = write_config(
        tmp_path, ('folder = "INBOX"', f'folder = "INBOX"\nreceiving_hosts = {value}')
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert "[mailboxes[0]].receiving_hosts" in str(raised.value)
