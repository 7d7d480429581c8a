"""A compiled message catalogue (``.mo``) whose messages are decoded when first asked for.

The standard library's ``gettext.GNUTranslations`` decodes all of a file's messages when it
opens it: 2,800 here, about 10 ms of every start of the window and of every command, which
shows a few dozen of them. :class:`Catalogue` is that class with its documented ``_parse``
hook replaced. It reads the header through the standard parser, finds an original by binary
search among the file's originals as GNU gettext's own reader does (building no index), and
decodes a translation the first time it is asked for, into the same ``_catalog`` under the
same keys as the standard parser, so ``gettext`` and ``ngettext`` are the standard methods
and answer the same.
"""

from __future__ import annotations

import gettext
import io
import struct
from bisect import bisect_left
from itertools import islice
from operator import add, le
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gettext import _TranslationsReader  # the stubs' name for a file read whole

_LE_MAGIC, _BE_MAGIC = b"\xde\x12\x04\x95", b"\x95\x04\x12\xde"


class Catalogue(gettext.GNUTranslations):
    _catalog: dict[str | tuple[str, int], str]  # as the standard parser keeps it
    _buf: bytes
    _keys: list[bytes]  # the originals, in byte order
    _positions: list[int] | None  # where each of them is in the file, if not in that order
    _translations: tuple[int, ...]  # the length and offset of each translation in turn
    _tried: set[str]

    def _parse(self, fp: _TranslationsReader) -> None:
        buf = fp.read()
        name = getattr(fp, "name", "")
        if buf[:4] not in (_LE_MAGIC, _BE_MAGIC) or len(buf) < 20:
            raise OSError(0, "Bad magic number", name)
        order = "<" if buf[:4] == _LE_MAGIC else ">"
        version, count, masteridx, transidx = struct.unpack(order + "4I", buf[4:20])
        if version >> 16 not in self.VERSIONS:
            raise OSError(0, f"Bad version number {version >> 16}", name)
        try:
            originals = struct.unpack_from(f"{order}{2 * count}I", buf, masteridx)
            translations = struct.unpack_from(f"{order}{2 * count}I", buf, transidx)
        except struct.error:
            raise OSError(0, "File is corrupt", name) from None
        original_ends = list(map(add, originals[1::2], originals[0::2]))
        # The standard parser refuses a string that reaches the end of the file (each is
        # followed by a NUL); so does this one.
        if count and max(
            max(original_ends), max(map(add, translations[1::2], translations[0::2]))
        ) >= len(buf):
            raise OSError(0, "File is corrupt", name)
        keys = list(map(buf.__getitem__, map(slice, originals[1::2], original_ends)))
        # GNU gettext's own reader finds an original by binary search, so msgfmt and Babel
        # write them in byte order: they are found so here too, with no index to build (4 ms
        # of a start in Kazakh). A file in another order is put in order first; a stable
        # sort keeps equal originals in file order, and the last of them is the one found,
        # as the standard parser keeps the last.
        self._positions = None
        if not all(map(le, keys, islice(keys, 1, None))):
            self._positions = sorted(range(count), key=keys.__getitem__)
            keys = list(map(keys.__getitem__, self._positions))
        self._keys, self._buf, self._translations, self._tried = keys, buf, translations, set()
        # The header (the empty original's translation) through the standard parser, in a
        # file of its own: the charset, the plural rule and the metadata, as it reads them.
        header = self._find(b"")
        text = None if header is None or header[1] else self._translation(header[0])
        super()._parse(io.BytesIO(_header_file(text)))

    def _find(self, key: bytes) -> tuple[int, bool] | None:
        r"""The position of the message whose original is ``key``, or whose original is
        ``key`` then NUL then its plural ("singular\0plural", found by its singular), and
        whether it is the latter; None without one. Text holding a NUL is no singular."""
        if b"\0" in key:
            return None
        keys = self._keys
        # The last original below key + "\x01": key itself, or the last "key\0...".
        at = bisect_left(keys, key + b"\x01") - 1
        if at < 0:
            return None
        found = keys[at]
        if found != key and not found.startswith(key + b"\0"):
            return None
        position = at if self._positions is None else self._positions[at]
        return position, found != key

    def _load(self, message: str) -> None:
        """The message's translation into ``_catalog``, as the standard parser puts it."""
        if message in self._tried:
            return
        try:
            self._decode(message)
        finally:
            # Marked only once stored: a thread that asks meanwhile decodes it again, and
            # never finds it marked but not yet there.
            self._tried.add(message)

    def _decode(self, message: str) -> None:
        charset = self.charset() or "ascii"
        try:
            found = self._find(message.encode(charset))
        except UnicodeEncodeError:
            return
        if found is None:
            return
        index, plural = found
        translated = self._translation(index)
        try:
            if plural:
                forms = [str(text, charset) for text in translated.split(b"\0")]
                self._catalog.update(((message, n), form) for n, form in enumerate(forms))
            else:
                self._catalog[message] = str(translated, charset)
        except UnicodeDecodeError:
            # A damaged translation: the standard parser would refuse the whole file at the
            # start; here that one message is shown in English, and the program goes on.
            return

    def _translation(self, index: int) -> bytes:
        length, offset = self._translations[2 * index : 2 * index + 2]
        return self._buf[offset : offset + length]

    def gettext(self, message: str) -> str:
        self._load(message)
        return super().gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self._load(msgid1)
        return super().ngettext(msgid1, msgid2, n)


def _header_file(header: bytes | None) -> bytes:
    """A ``.mo`` holding only the header (the empty original's translation), or nothing."""
    if header is None:
        return _LE_MAGIC + struct.pack("<6I", 0, 0, 28, 28, 0, 0)
    strings = 28 + 16  # after the fixed part and the two one-entry tables
    tables = struct.pack("<4I", 0, strings, len(header), strings + 1)
    return _LE_MAGIC + struct.pack("<6I", 0, 1, 28, 36, 0, 0) + tables + b"\0" + header + b"\0"
