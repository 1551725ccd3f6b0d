"""Every decimal an output writes: plain digits, no exponent, no sign on a zero, its places kept."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from perfrules._model import plain_again, plain_text

PLAIN = re.compile(r"^-?\d+(\.\d+)?$")


@given(st.integers(-(10**30), 10**30), st.integers(-40, 12))
def test_plain_text_is_digits_of_the_same_value(coefficient, exponent):
    value = Decimal(f"{coefficient}E{exponent}")
    text = plain_text(value)
    assert PLAIN.match(text), text
    assert Decimal(text) == value
    # The places a value carries are kept (10.00 stays 10.00); a positive exponent has none.
    assert (text.split(".") + [""])[1] == ("" if exponent >= 0 else text.split(".")[1])
    assert len((text.split(".") + [""])[1]) == max(0, -exponent)
    assert not text.startswith("-") or value < 0


def test_the_texts_str_writes_with_an_exponent_or_a_signed_zero():
    cases = {
        "1E-12": "0.000000000001",
        "-0E+1": "0",
        "-0.00": "0.00",
        "-0": "0",
        "4.266464606902883746092451728E-7": "0.0000004266464606902883746092451728",
        "1E+3": "1000",
        "-0.5": "-0.5",
        "65.00": "65.00",
    }
    for stored, written in cases.items():
        assert plain_text(Decimal(stored)) == written
        assert plain_again(stored) == written  # a record stored before reads as what is written now
    assert plain_again(["1E-7", "E12", None]) == ["0.0000001", "E12", None]
    assert plain_again("Eve") == "Eve" and plain_again(None) is None
