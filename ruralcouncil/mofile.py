"""A compiled message catalogue (``.mo``) whose messages are decoded when first asked for.

The standard library's ``gettext.GNUTranslations`` decodes all of a file's messages when it
opens it: 2,800 here, about 10 ms of every start of the window and of every command, which
shows a few dozen of them. :class:`Catalogue` is that class with its documented ``_parse``
hook replaced. It reads the header through the standard parser, indexes the originals as
bytes (slicing the file in C, no Python loop per message but one test for plural forms), and
decodes a translation the first time it is asked for, into the same ``_catalog`` under the
same keys as the standard parser, so ``gettext`` and ``ngettext`` are the standard methods
and answer the same.
"""

from __future__ import annotations

import gettext
import io
import struct
from itertools import compress, repeat
from operator import add
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gettext import _TranslationsReader  # the stubs' name for a file read whole

_LE_MAGIC, _BE_MAGIC = b"\xde\x12\x04\x95", b"\x95\x04\x12\xde"


class Catalogue(gettext.GNUTranslations):
    _catalog: dict[str | tuple[str, int], str]  # as the standard parser keeps it
    _buf: bytes
    _index: dict[bytes, int]  # original (its singular, for plural forms) -> its position
    _plural: set[int]  # the positions of messages with plural forms
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
        # "singular\0plural" is a message with plural forms, found by its singular.
        plural = set(compress(range(count), map(bytes.__contains__, keys, repeat(b"\0"))))
        for i in plural:
            keys[i] = keys[i].split(b"\0", 1)[0]
        self._buf, self._translations, self._plural, self._tried = buf, translations, plural, set()
        self._index = dict(zip(keys, range(count), strict=True))
        # The header (the empty original's translation) through the standard parser, in a
        # file of its own: the charset, the plural rule and the metadata, as it reads them.
        header = self._index.get(b"")
        text = None if header is None else self._translation(header)
        super()._parse(io.BytesIO(_header_file(text)))

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
            index = self._index.get(message.encode(charset))
        except UnicodeEncodeError:
            return
        if index is None:
            return
        translated = self._translation(index)
        try:
            if index in self._plural:
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
