import os
import stat

from flows.archive import archive_return, content_hash
from flows.contract import locate_return
from flows.demo import DEMO_INSPECTIONS, write_return
from flows.pseudonymise import KEY_ENV, load_or_create_key, pseudonym

LONDON = next(i for i in DEMO_INSPECTIONS if i.inspection_id == "london-2014")


def test_archive_is_content_addressed_read_only_and_idempotent(tmp_path):
    folder = write_return(LONDON, tmp_path / "london-2014")
    source = locate_return(folder)
    first = archive_return(source, tmp_path / "archive")
    again = archive_return(source, tmp_path / "archive")
    assert not first.already_archived and again.already_archived
    assert first.folder == again.folder == tmp_path / "archive" / "inspections" / first.sha256
    copied = first.folder / "answers.csv"
    assert copied.read_bytes() == (folder / "answers.csv").read_bytes()
    assert not os.stat(copied).st_mode & stat.S_IWUSR
    assert not (first.folder / "_READY").exists()


def test_any_change_gives_a_new_hash_but_the_ready_marker_does_not(tmp_path):
    folder = write_return(LONDON, tmp_path / "london-2014")
    before, _ = content_hash(locate_return(folder))
    (folder / "_READY").write_text("touched")
    assert content_hash(locate_return(folder))[0] == before
    path = folder / "cases.csv"
    path.write_text(path.read_text().replace("male", "female", 1))
    assert content_hash(locate_return(folder))[0] != before


def test_pseudonyms_are_keyed_scoped_and_stable():
    key = b"k1"
    assert pseudonym(key, "hampshire-2013", "SYN-1") == pseudonym(key, "hampshire-2013", "SYN-1")
    assert pseudonym(key, "hampshire-2013", "SYN-1") != pseudonym(b"k2", "hampshire-2013", "SYN-1")
    assert pseudonym(key, "hampshire-2013", "SYN-1") != pseudonym(key, "london-2014", "SYN-1")
    assert "SYN" not in pseudonym(key, "hampshire-2013", "SYN-1")


def test_key_is_generated_once_with_private_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    key_file = tmp_path / "secrets" / "pseudonym.key"
    first = load_or_create_key(key_file)
    assert load_or_create_key(key_file) == first and len(first) == 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    monkeypatch.setenv(KEY_ENV, "from-the-environment")
    assert load_or_create_key(key_file) == b"from-the-environment"
