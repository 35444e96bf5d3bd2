"""Names in the order a Ukrainian or Russian reader expects.

Code-point order puts Є, І, Ї before А and every Latin name before every Cyrillic one. The
Unicode Collation Algorithm with the CLDR Ukrainian tailoring (ICU) gives
А Б В Г Ґ Д Е Є Ж З И І Ї Й ... Я, then Latin; Russian letters keep their order in it
(Ё with Е, as Russian dictionaries file it), so one key serves both readers.

>>> sorted(["Їжак", "Smith", "Іваненко", "Андрієнко", "Ґалаган", "Гончар"], key=name_sort_key)
['Андрієнко', 'Гончар', 'Ґалаган', 'Іваненко', 'Їжак', 'Smith']
"""

from __future__ import annotations

from functools import cache, lru_cache

import icu  # type: ignore[import-untyped,import-not-found,unused-ignore]

COLLATION_LOCALE = "uk_UA"


@cache
def _collator() -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale(COLLATION_LOCALE))


@lru_cache(maxsize=1 << 16)
def name_sort_key(text: str) -> bytes:
    """A byte string whose bytewise order is the Ukrainian collation order of ``text``."""
    return bytes(_collator().getSortKey(text))


def person_sort_key(surname: str, given_name: str, patronymic: str | None) -> bytes:
    """The key a registry is listed by: surname, then given name, then patronymic."""
    return name_sort_key(" ".join(p for p in (surname, given_name, patronymic or "") if p))
