"""Keyed pseudonyms of personal identifiers."""

from flows.core.pseudonyms import pseudonym


def test_pseudonyms_are_keyed_scoped_and_stable():
    key = b"k1"
    assert pseudonym(key, "hampshire-2013", "SYN-1") == pseudonym(key, "hampshire-2013", "SYN-1")
    assert pseudonym(key, "hampshire-2013", "SYN-1") != pseudonym(b"k2", "hampshire-2013", "SYN-1")
    assert pseudonym(key, "hampshire-2013", "SYN-1") != pseudonym(key, "london-2014", "SYN-1")
    assert "SYN" not in pseudonym(key, "hampshire-2013", "SYN-1")
