"""Each user's Ed25519 key pair: made, locked under the password, unlocked at login, used.

The private key is stored encrypted (ChaCha20-Poly1305) under a key derived from the user's
password with scrypt, so whoever opens the file without the password cannot sign in that
user's name. The public key is chained with the user. A write transaction ends with its
author's signature over the chain head it leaves (docs/hash-chain.md, "Signatures").
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )


def load() -> None:
    """The cryptography library's parts this module uses. They are imported where a key is
    made, opened or checked, not with this module: the window's start needs none of them
    before its login dialog is shown, and the dialog asks for them while the password is
    typed."""
    import cryptography.exceptions
    import cryptography.hazmat.primitives.asymmetric.ed25519
    import cryptography.hazmat.primitives.ciphers.aead  # noqa: F401


# What a login needs next, loaded while the password's key is derived: scrypt releases the
# GIL, so for its ~50 ms the main thread is free for imports once it has checked the users
# (the cryptography that opens the key; the window registers its own code). Each must be
# safe to run twice.
_WHILE_DERIVING: list[Callable[[], None]] = [load]


def prepare_while_deriving(work: Callable[[], None]) -> None:
    """Run ``work`` beside the next key derivations of a login (once is enough: imports)."""
    if work not in _WHILE_DERIVING:
        _WHILE_DERIVING.append(work)


def _prepare() -> None:
    for work in list(_WHILE_DERIVING):
        try:
            work()
        except Exception:  # whoever needs it imports it again and sees the error itself
            return


def _derive_and_prepare(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """The key, with ``_WHILE_DERIVING`` run meanwhile (:class:`KeyDerivation`)."""
    params = (salt, n, r, p)
    return KeyDerivation(password, params).key(params)


# scrypt at 16 MiB: about 50 ms on the target PCs, slow enough to blunt guessing on a stolen
# file. The parameters are stored with each key, so they can be raised later.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_SCHEME = "ed25519-scrypt-chacha20poly1305"
_SIGNED_PREFIX = b"RuralCouncil chain v2 commit "
# Never more than this much memory for a stored key's scrypt, whatever the file claims.
_MAX_SCRYPT_N = 2**17

_b64 = base64.b64encode


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


class LockedKeyError(Exception):
    """The password does not open the stored key (or the stored key is damaged)."""


@dataclass
class Signer:
    """A user's unlocked private key for this session. ``pending_login`` is the moment of the
    login, chained with the session's first write and then cleared."""

    user_id: int
    private_key: Ed25519PrivateKey = field(repr=False)
    public_key: str
    pending_login: str | None = None

    def sign_head(self, first: int, seq: int, head: str) -> str:
        return self.private_key.sign(signed_message(first, seq, head)).hex()


def signed_message(first: int, seq: int, head: str) -> bytes:
    """What a commit's signature signs: where the commit starts, and the chain position and
    hash it leaves behind. The start makes each signature cover its own commit only: were
    it left out, deleting the signature between two commits of one author would go unseen."""
    return _SIGNED_PREFIX + f"{first}-{seq}:{head}".encode("ascii")


def _aad(user_id: int, public_key: str) -> bytes:
    # Ties the locked key to its user and public key: a locked key copied onto another
    # account does not open there.
    return f"ruralcouncil user {user_id} {public_key}".encode("ascii")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8", "surrogatepass"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        dklen=32,
        maxmem=2**28,
    )


def new_key_pair(user_id: int, password: str) -> tuple[str, str, Signer]:
    """A fresh key pair: (public key hex, the private key locked under ``password``, signer)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    # The seed comes from `secrets` (the OS's random source), like the salts and nonces.
    private = Ed25519PrivateKey.from_private_bytes(secrets.token_bytes(32))
    public = private.public_key().public_bytes_raw().hex()
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    secret = ChaCha20Poly1305(_derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(
        nonce, private.private_bytes_raw(), _aad(user_id, public)
    )
    locked = "$".join(
        (
            _SCHEME,
            str(SCRYPT_N),
            str(SCRYPT_R),
            str(SCRYPT_P),
            _b64(salt).decode(),
            _b64(nonce).decode(),
            _b64(secret).decode(),
        )
    )
    return public, locked, Signer(user_id, private, public)


# The same work as unlocking a real key, for a name nobody has: an unknown name must take as
# long to refuse as a wrong password, or names could be found by timing.
_DUMMY_SALT = b"\x00" * 16

Params = tuple[bytes, int, int, int]  # scrypt's salt, n, r and p
_DUMMY_PARAMS: Params = (_DUMMY_SALT, SCRYPT_N, SCRYPT_R, SCRYPT_P)


def _locked_parts(locked: str) -> tuple[Params, str, str]:
    """A locked key's derivation parameters, nonce and sealed key; raises ValueError (or
    LockedKeyError for a scheme or parameters this program does not open)."""
    scheme, n, r, p, salt, nonce, secret = locked.split("$")
    if scheme != _SCHEME or not (2 <= int(n) <= _MAX_SCRYPT_N) or int(r) > 32 or int(p) > 4:
        raise LockedKeyError("unknown key format")
    return (_unb64(salt), int(n), int(r), int(p)), nonce, secret


class KeyDerivation:
    """A key derivation begun on its own thread. scrypt leaves the interpreter free, so the
    caller may work meanwhile: a login checks the chain's users (:func:`begin_unlock`). When
    the caller then waits for the key on the main thread, ``_WHILE_DERIVING`` runs there
    first, beside the derivation's remaining time: on a second thread it would have run
    beside the caller's own work too, three threads on two cores, and scrypt was slowed by
    losing its core to them (a login took 6-12 ms longer than its derivation alone). A login
    in a worker (an upgrade's) has the window's thread running beside it and prepares
    nothing: the window's code is not imported beside the window's own work.

    :meth:`key` gives the key only for the same salt and parameters as it was begun with,
    and derives anew otherwise, from the whole password (``derive_from``, a shortened one,
    is for a derivation that is only a wrong password's work)."""

    def __init__(self, password: str, params: Params, derive_from: str | None = None) -> None:
        self._password, self._params = password, params
        self._from = password if derive_from is None else derive_from
        self._key: bytes | None = None
        self._thread = threading.Thread(target=self._derive, name="derive-key", daemon=True)
        self._thread.start()

    def _derive(self) -> None:
        with contextlib.suppress(ValueError, MemoryError):  # the caller derives again
            self._key = _derive(self._from, *self._params)

    def wait(self, beside: Callable[[], None] | None = None) -> None:
        """Until the derivation is done, with the preparations run meanwhile (on the main
        thread: an unknown name's refusal waits as a wrong password's does), then
        ``beside``: the caller's own work for the remaining time. Neither runs once the key
        is ready (they would only make the caller wait longer), and neither can change the
        derivation's outcome: an error in one is left to whoever needs its work."""
        if self._thread.is_alive() and threading.current_thread() is threading.main_thread():
            _prepare()
            if beside is not None and self._thread.is_alive():
                with contextlib.suppress(Exception):
                    beside()
        self._thread.join()

    def key(self, params: Params, beside: Callable[[], None] | None = None) -> bytes:
        self.wait(beside)
        if self._key is not None and params == self._params and self._from == self._password:
            return self._key
        return _derive(self._password, *params)  # from the whole password, always


def begin_unlock(password: str, locked: str | None, limit: int) -> KeyDerivation:
    """A login's derivation, begun before the user's record is read and checked, from a
    locked key nobody has vouched for yet (the users table's copy). With no key, or none
    this program opens, it is a wrong password's work, from at most ``limit`` characters of
    it (as :func:`waste_like_unlock` is given them). The unchecked copy decides nothing but
    how soon the key is ready: :meth:`KeyDerivation.key` is asked with the checked one's."""
    params: Params | None = None
    if locked:
        with contextlib.suppress(ValueError, TypeError, LockedKeyError):
            params = _locked_parts(locked)[0]
    if params is None:
        return KeyDerivation(password, _DUMMY_PARAMS, password[:limit])
    return KeyDerivation(password, params)


def unlock(
    user_id: int,
    public_key: str,
    locked: str,
    password: str,
    derivation: KeyDerivation | None = None,
    beside: Callable[[], None] | None = None,
) -> Signer:
    """Open a stored key with the password; raises LockedKeyError when it does not open.
    ``derivation``: one begun with this password (:class:`KeyDerivation`); ``beside``: work
    run while it finishes (:meth:`KeyDerivation.wait`)."""
    try:
        params, nonce, secret = _locked_parts(locked)
        if derivation is None:
            key = _derive_and_prepare(password, *params)
        else:
            key = derivation.key(params, beside)
    except (ValueError, TypeError, LockedKeyError) as exc:
        if derivation is not None:
            derivation.wait()  # nothing left running beside the caller
        if isinstance(exc, LockedKeyError):
            raise
        raise LockedKeyError(str(exc)) from None
    # Imported after the key: they were loaded beside its derivation.
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    try:
        seed = ChaCha20Poly1305(key).decrypt(
            _unb64(nonce), _unb64(secret), _aad(user_id, public_key)
        )
        private = Ed25519PrivateKey.from_private_bytes(seed)
    except (ValueError, TypeError, InvalidTag) as exc:
        raise LockedKeyError(str(exc)) from None
    if private.public_key().public_bytes_raw().hex() != public_key:
        raise LockedKeyError("the stored key does not belong to this user")
    return Signer(user_id, private, public_key)


def waste_like_unlock(password: str, derivation: KeyDerivation | None = None) -> None:
    """An unknown name's refusal: a derivation's work, ``derivation``'s when one was begun."""
    (derivation or KeyDerivation(password, _DUMMY_PARAMS)).wait()


def check_v1_password(password: str, stored: str) -> bool:
    """A password against a version-1 scrypt hash (accounts made before signed entries)."""
    import hmac

    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt" or not (2 <= int(n) <= _MAX_SCRYPT_N):
            return False
        expected = _unb64(key)
        found = hashlib.scrypt(
            password.encode("utf-8", "surrogatepass"),
            salt=_unb64(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=2**28,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


# Exactly as written: lower-case hex, no spaces. ``bytes.fromhex`` skips whitespace, so
# without this a signature with a space added would still check, and a stored value could
# change without verify noticing.
_PUBLIC_KEY = re.compile(r"[0-9a-f]{64}")
_SIGNATURE = re.compile(r"[0-9a-f]{128}")


class PublicKeys:
    """Parsed public keys, cached: verify checks one signature per commit."""

    def __init__(self) -> None:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        self._cache: dict[str, Ed25519PublicKey | None] = {}
        self._key_type = Ed25519PublicKey
        self._invalid = InvalidSignature

    def check(self, public_key: str, first: int, seq: int, head: str, signature: str) -> bool:
        if not (
            isinstance(public_key, str)
            and isinstance(signature, str)
            and _PUBLIC_KEY.fullmatch(public_key)
            and _SIGNATURE.fullmatch(signature)
        ):
            return False
        key = self._cache.get(public_key, False)
        if key is False:
            try:
                key = self._key_type.from_public_bytes(bytes.fromhex(public_key))
            except ValueError:
                key = None
            self._cache[public_key] = key
        if key is None or not isinstance(key, self._key_type):
            return False
        try:
            key.verify(bytes.fromhex(signature), signed_message(first, seq, head))
        except (self._invalid, ValueError):
            return False
        return True
