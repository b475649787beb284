"""Citations: BibTeX for elosim and for the methods a result used.

:func:`cite` is the public entry point (``elosim.cite()``, ``elosim.cite(result)``);
:func:`method_references` gives the plain-text references that
:func:`elosim.report.methods_text` appends, from the same table, so a paper's methods
paragraph and its bibliography name the same works. The works are BibTeX entries in
``references.bib`` next to this module; each text reference is formatted from its entry's
fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from .._version import __version__

__all__ = ["REFERENCES", "Reference", "cite", "method_references"]


@dataclass(frozen=True)
class Reference:
    """One work: its BibTeX entry and the text a methods section quotes."""

    key: str
    text: str
    bibtex: str


def _initials(given: str) -> str:
    """``"Wei-Lin"`` -> ``"W.-L."``, ``"Ralph Allan"`` -> ``"R. A."`` (initials stay)."""
    return " ".join("-".join(part[0] + "." for part in name.split("-")) for name in given.split())


def _short_author(name: str) -> str:
    """BibTeX ``"Last, Given"`` as ``"Last, G."``; a group (``"{elosim developers}"``) as is."""
    if name.startswith("{"):
        return name.strip("{}")
    last, _, given = name.partition(", ")
    return f"{last}, {_initials(given)}"


def _short_authors(bibtex_authors: str) -> str:
    """BibTeX ``"Last, Given and ..."`` as text: ``"Last, G., ... and Last, G."``."""
    names = [_short_author(name) for name in bibtex_authors.split(" and ")]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _venue(kind: str, f: dict[str, str]) -> list[str]:
    """Where a work appeared, as the text of a reference quotes it (from its BibTeX fields)."""
    pages = f.get("pages", "").replace("--", "-")
    if kind == "article":
        return [f"{f['journal']} {f['volume']}({f['number']}), {pages}"]
    if kind == "inproceedings":
        return [f"{f['booktitle']} {f['volume']}, {pages}"]
    if kind == "book":
        return [f"{f['publisher']}, {f['address']}"]
    if kind == "software":
        return [f"Version {f['version']}"]
    return []


def _ref(key: str, kind: str, fields: dict[str, str], venue: str | None = None) -> Reference:
    """One work from its BibTeX fields; its text reference is formatted from the same fields
    (``venue`` replaces the journal or proceedings where the text quotes a shorter name)."""
    parts = [
        f"{_short_authors(fields['author'])} ({fields['year']})",
        fields["title"].replace("{", "").replace("}", ""),
        *([venue] if venue is not None else _venue(kind, fields)),
        *([f"arXiv:{fields['eprint']}"] if "eprint" in fields else []),
    ]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return Reference(key, ". ".join(parts) + ".", f"@{kind}{{{key},\n{body}\n}}")


def _read_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """``(key, kind, fields)`` of each entry of ``references.bib``: one ``name = {value}``
    field a line, entries separated by blank lines, ``%`` comment lines."""
    entries = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("%")]
        if not lines:
            continue
        head, *body, _ = lines  # "@kind{key,", the fields, "}"
        kind, _, key = head.removeprefix("@").removesuffix(",").partition("{")
        fields = {}
        for line in body:
            name, _, value = line.strip().removesuffix(",").partition(" = ")
            fields[name] = value.removeprefix("{").removesuffix("}")
        entries.append((key, kind, fields))
    return entries


#: Where a work's text reference quotes a shorter venue than its BibTeX entry.
_TEXT_VENUES = {
    "chiang2024": "Proceedings of ICML 2024",
    "benjamini1995": "Journal of the Royal Statistical Society B 57(1), 289-300",
}

_ELOSIM = {
    "author": "{elosim developers}",
    "title": "elosim: Bradley-Terry ratings on the Elo scale with confidence intervals, gap "
    "tests and rank sets",
    "year": "2026",
    "version": __version__,
    "license": "BSD-3-Clause",
}

REFERENCES: dict[str, Reference] = {
    r.key: r
    for r in (
        _ref("elosim", "software", _ELOSIM),
        *(
            _ref(key, kind, fields, _TEXT_VENUES.get(key))
            for key, kind, fields in _read_bibtex(
                resources.files("elosim.present").joinpath("references.bib").read_text("utf-8")
            )
        ),
    )
}


def _keys(result: Any) -> list[str]:
    """The reference keys of the methods ``result`` used (elosim first)."""
    keys = ["elosim"]
    fit = getattr(result, "fit", None)
    fit = fit if fit is not None and hasattr(fit, "ties") else result
    if hasattr(fit, "ties") and hasattr(fit, "votes"):
        keys.append("bradley1952")
        keys += {"davidson": ["davidson1970"], "rao-kupper": ["rao1967"]}.get(fit.ties, [])
        if fit.ties == "half":
            keys.append("chiang2024")
        if getattr(fit, "bias_reduction", None) == "firth":
            keys.append("firth1993")
        if getattr(result, "bootstrap_distribution", None) is None and getattr(
            fit, "default_covariance", ""
        ) in ("max", "sandwich", "cluster"):
            keys += ["huber1967", "white1982"]
    if getattr(result, "bootstrap_distribution", None) is not None:
        keys += ["efron1987", "diciccio1996"]
    if hasattr(result, "rank_low") and "Mogstad" in str(getattr(result, "method", "")):
        keys.append("mogstad2024")
    if hasattr(result, "quasi_se"):
        keys.append("firth2004")
    adjust = getattr(result, "adjust", None)
    keys += {"holm": ["holm1979"], "fdr_bh": ["benjamini1995"]}.get(str(adjust), [])
    if hasattr(result, "ordering_ratings"):
        keys.append("elo1978")
    if type(result).__name__ in ("VotesToFlipResult", "TopRobustnessResult"):
        keys.append("huang2025")
    return list(dict.fromkeys(keys))


def method_references(result: Any) -> list[str]:
    """Plain-text references for the methods ``result`` used (without elosim itself).

    Examples
    --------
    >>> from elosim.present.citation import method_references
    >>> import elosim
    >>> fit = elosim.bradley_terry(elosim.Votes.from_counts(["a", "b"], [[0, 6], [4, 0]]))
    >>> method_references(fit)[0][:40]
    'Bradley, R. A. and Terry, M. E. (1952). '
    """
    return [REFERENCES[k].text for k in _keys(result) if k != "elosim"]


def cite(result: Any = None) -> str:
    """BibTeX for elosim and, given a result, for the methods that result used.

    Parameters
    ----------
    result : elosim result, optional
        A fit, bootstrap, gap tests, rank sets, quasi-variances, ... Without one, only
        elosim's own entry.

    Returns
    -------
    str
        BibTeX entries separated by blank lines, elosim first.

    Examples
    --------
    >>> import elosim
    >>> print(elosim.cite().splitlines()[0])
    @software{elosim,
    >>> sets = elosim.bradley_terry(elosim.Votes.from_counts(
    ...     ["a", "b", "c"], [[0, 6, 5], [4, 0, 6], [5, 4, 0]])).rank_intervals(rng=0)
    >>> "@article{mogstad2024," in elosim.cite(sets)
    True
    """
    keys = ["elosim"] if result is None else _keys(result)
    return "\n\n".join(REFERENCES[k].bibtex for k in keys) + "\n"
