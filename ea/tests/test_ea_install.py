"""The supervisor installs this EA: install_ea copies the program and every
file it includes, and the /config ini attaches it by the name it has."""

import re

from accounts import instances
from ea.linux import check


def test_install_ea_copies_the_ea_and_everything_it_includes(tmp_path):
    names = instances.install_ea(check.EA.parent, tmp_path)
    assert "MT5Bot.mq5" in names
    for source in [check.EA, *check.EA.parent.glob("MT5Bot_*.mqh")]:
        for include in re.findall(r'^#include "([^"]+)"', source.read_text(), re.M):
            assert (tmp_path / include).exists(), include


def test_the_config_ini_attaches_this_ea():
    assert "Expert=mt5bot\\MT5Bot\r\n" in instances.config_ini()
    assert (check.EA.parent / "MT5Bot.mq5").exists()
