"""Zip archives (.xlsx workbooks, .npz models, .qdpx projects) opened with care: the sizes the
archive declares are checked before anything is unpacked, and only the members needed are read.
A member never unpacks to more than its declared size (:mod:`zipfile` stops there), so a small
file cannot fill the memory however it was made."""
import zipfile

import numpy as np

from qualcode.errors import InputError, located

MAX_ARRAY_BYTES = 512 * 2**20  # far above the arrays of any trained model
MAX_UNPACKED_BYTES = 4 * 2**30  # a workbook of a million long answers unpacks to well under this
SUSPICIOUS_RATIO = 100  # real workbooks pack 5-50 times; a zip bomb up to a thousand times
SUSPICIOUS_FROM_BYTES = 100 * 2**20


def refuse_large_members(path, archive, names, limit, fix):
    """Raise InputError when a member of ``archive`` among ``names`` (all when None) declares
    more than ``limit`` bytes unpacked."""
    for member in archive.infolist():
        if (names is None or member.filename in names) and member.file_size > limit:
            raise InputError(located(path, f"its part {member.filename!r} would unpack to "
                                           f"{size_text(member.file_size)}, more than the "
                                           f"{size_text(limit)} expected; {fix}"))


def refuse_zip_bomb(path, fix):
    """Raise InputError for an archive that unpacks to more than MAX_UNPACKED_BYTES, or whose
    large members are packed more tightly than real data ever is."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (OSError, zipfile.BadZipFile):
        return  # the reader names what is wrong with it
    total = sum(member.file_size for member in members)
    suspicious = [m for m in members if m.file_size > SUSPICIOUS_FROM_BYTES
                  and m.file_size > SUSPICIOUS_RATIO * max(m.compress_size, 1)]
    if total > MAX_UNPACKED_BYTES or suspicious:
        raise InputError(located(path, f"it would unpack to {size_text(total)}"
                                       + (f" ({suspicious[0].filename!r} packed {suspicious[0].file_size // max(suspicious[0].compress_size, 1):,} times)"
                                          if suspicious else "") + f", more than real data does; {fix}"))


def size_text(size):
    """``size`` bytes for people: '640 KB', '1.5 GB'."""
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def read_arrays(path, names, what="arrays", fix="write the file again", max_bytes=None):
    """``{name: array}`` for ``names`` from the ``.npz`` at ``path``; other members are never read.

    Raises InputError naming the file, ``what`` it should be and ``fix``, for a file that is
    not an .npz, a missing array, an array larger than ``max_bytes`` (by its declared size,
    checked before reading; default MAX_ARRAY_BYTES) and one that needs pickles.
    """
    max_bytes = max_bytes or MAX_ARRAY_BYTES
    try:
        with zipfile.ZipFile(path) as archive:
            for name in names:
                if f"{name}.npy" not in archive.NameToInfo:
                    raise InputError(located(path, f"it has no array {name!r}; {fix}"))
            refuse_large_members(path, archive, {f"{name}.npy" for name in names}, max_bytes, fix)
        with np.load(path, allow_pickle=False) as stored:
            return {name: stored[name] for name in names}
    except InputError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise InputError(located(path, f"cannot read this as {what} ({error}); {fix}")) from None
