"""The credential formats MLOPS001 and every message filter look for: each prefix at its minimum length
matches, one character shorter or outside the charset does not."""

from __future__ import annotations

import pytest

from mlops_cicd.secret_patterns import REDACTED, redact, secret_kinds, shown

BASE62 = "aZ09" * 30
HEX = "0123456789abcdef" * 4

# (prefix, charset run, minimum length of the part after the prefix)
FORMATS = [
    ("dapi", HEX, 32),
    ("dose", HEX, 32),
    ("ghp_", BASE62, 36),
    ("gho_", BASE62, 36),
    ("ghu_", BASE62, 36),
    ("ghs_", BASE62, 36),
    ("ghr_", BASE62, 36),
    ("github_pat_", "11AbC_" * 20, 82),
]


@pytest.mark.parametrize("prefix, charset, length", FORMATS, ids=[f[0] for f in FORMATS])
def test_each_prefix_matches_from_its_minimum_length(prefix, charset, length):
    shortest = prefix + charset[:length]
    assert len(secret_kinds(shortest)) == 1
    assert len(secret_kinds(f"token = \"{shortest}\" # pasted")) == 1  # found inside other text
    assert len(secret_kinds(prefix + charset[:length + 20])) == 1     # longer tokens too


@pytest.mark.parametrize("prefix, charset, length", FORMATS, ids=[f[0] for f in FORMATS])
def test_one_character_shorter_is_not_a_credential(prefix, charset, length):
    assert secret_kinds(prefix + charset[:length - 1]) == []
    assert secret_kinds(prefix + charset[:length - 1] + " end") == []


@pytest.mark.parametrize("text", [
    "dapi" + "0123456789ABCDEF" * 2,   # Databricks tokens are lowercase hex
    "dose" + "g" * 32,                 # not hex
    "ghx_" + BASE62[:36],              # not a GitHub token type
    "ghp-" + BASE62[:36],              # wrong separator
    "ghp_" + "-" * 36,                 # not base62
])
def test_wrong_charset_or_prefix_is_not_a_credential(text):
    assert secret_kinds(text) == []


def test_oauth_secret_is_named_as_such():
    assert secret_kinds("dose" + HEX[:32]) == ["a Databricks OAuth secret (dose...)"]


@pytest.mark.parametrize("prefix, charset, length", FORMATS, ids=[f[0] for f in FORMATS])
def test_redact_and_shown_hide_every_format(prefix, charset, length):
    secret = prefix + charset[:length]
    assert redact(f"login {secret} not found") == f"login {REDACTED} not found"
    assert secret not in shown(secret) and "credential" in shown(secret)


def test_redact_hides_passed_in_values_but_not_short_ones():
    assert redact("path /Shared/correct-horse/x", ["correct-horse"]) == f"path /Shared/{REDACTED}/x"
    assert redact("main branch", ["main"]) == "main branch"  # too short to be looked for


def test_redact_hides_a_passed_in_value_from_six_characters():
    assert redact("branch abcdef", ["abcdef"]) == f"branch {REDACTED}"
    assert redact("branch abcde", ["abcde"]) == "branch abcde"


def test_redact_replaces_the_longest_value_first_so_no_part_of_it_is_left():
    """`bcdefgh1` sorts after `abcdefgh12` and is inside it: replaced first, it would leave `a` and `2` shown."""
    assert redact("token abcdefgh12 end", ["bcdefgh1", "abcdefgh12"]) == f"token {REDACTED} end"
