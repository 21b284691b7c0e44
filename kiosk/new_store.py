"""Creating a store: the first admin, the recovery key, and the first site, in one place.

``kiosk init``, the setup wizard and the demo all make a new store the same way; the
checks that come before (the admin's name, the passphrase typed twice, the site's fields)
stay with each front end, which asks for them in its own order, but the making itself is
this one function, so a new first step (a setting, an audit entry) is added once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.model import Site

if TYPE_CHECKING:
    from store import KdfParams, Store


def create_store(
    path: Path,
    admin: str,
    passphrase: str,
    site: Site | None,
    *,
    kdf: KdfParams | None = None,
    now: Callable[[], datetime] | None = None,
) -> tuple[Store, str]:
    """Create the store at ``path`` with ``admin`` as its first admin and, when given,
    ``site`` as its first site (audited ``site.add``, like every site added later).

    Returns the open store and its recovery key, to be shown once. Raises the store's
    StoreExists when there is already a file at ``path`` (it is never touched), and any
    other StoreError from creating or saving, for the caller to say in a sentence
    (:func:`kiosk.store_errors.describe_store_error`). ``site`` None is for the demo,
    which fills an empty store with its own care group.
    """
    from kiosk.sites import add_site
    from store import Store

    store, recovery = Store.create(path, admin, passphrase, kdf=kdf, now=now)
    if site is not None:
        add_site(store, site)
    return store, recovery
