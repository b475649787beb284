"""Citations: BibTeX for elosim and for the methods a result used.

:func:`cite` is the public entry point (``elosim.cite()``, ``elosim.cite(result)``);
:func:`method_references` gives the plain-text references that
:func:`elosim.report.methods_text` appends, from the same table, so a paper's methods
paragraph and its bibliography name the same works.
"""

from __future__ import annotations

from dataclasses import dataclass
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


def _ref(key: str, kind: str, *, venue: str | None = None, **fields: str) -> Reference:
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


REFERENCES: dict[str, Reference] = {
    r.key: r
    for r in (
        _ref(
            "elosim", "software",
            author="{elosim developers}",
            title="elosim: Bradley-Terry ratings on the Elo scale with confidence intervals, "
            "gap tests and rank sets",
            year="2026", version=__version__, license="BSD-3-Clause",
        ),
        _ref(
            "bradley1952", "article",
            author="Bradley, Ralph Allan and Terry, Milton E.",
            title="Rank analysis of incomplete block designs: {I}. The method of paired "
            "comparisons",
            journal="Biometrika", year="1952", volume="39", number="3/4", pages="324--345",
        ),
        _ref(
            "davidson1970", "article",
            author="Davidson, Roger R.",
            title="On extending the {Bradley-Terry} model to accommodate ties in paired "
            "comparison experiments",
            journal="Journal of the American Statistical Association", year="1970",
            volume="65", number="329", pages="317--328",
        ),
        _ref(
            "rao1967", "article",
            author="Rao, P. V. and Kupper, L. L.",
            title="Ties in paired-comparison experiments: a generalization of the "
            "{Bradley-Terry} model",
            journal="Journal of the American Statistical Association", year="1967",
            volume="62", number="317", pages="194--204",
        ),
        _ref(
            "chiang2024", "inproceedings", venue="Proceedings of ICML 2024",
            author="Chiang, Wei-Lin and Zheng, Lianmin and Sheng, Ying and Angelopoulos, "
            "Anastasios N. and Li, Tianle and Li, Dacheng and Zhang, Hao and Zhu, Banghua and "
            "Jordan, Michael and Gonzalez, Joseph E. and Stoica, Ion",
            title="Chatbot {Arena}: an open platform for evaluating {LLMs} by human preference",
            booktitle="Proceedings of the 41st International Conference on Machine Learning",
            year="2024", eprint="2403.04132", archiveprefix="arXiv",
        ),
        _ref(
            "huber1967", "inproceedings",
            author="Huber, Peter J.",
            title="The behavior of maximum likelihood estimates under nonstandard conditions",
            booktitle="Proceedings of the Fifth Berkeley Symposium on Mathematical Statistics "
            "and Probability", volume="1", pages="221--233", year="1967",
        ),
        _ref(
            "white1982", "article",
            author="White, Halbert", title="Maximum likelihood estimation of misspecified models",
            journal="Econometrica", year="1982", volume="50", number="1", pages="1--25",
        ),
        _ref(
            "efron1987", "article",
            author="Efron, Bradley", title="Better bootstrap confidence intervals",
            journal="Journal of the American Statistical Association", year="1987",
            volume="82", number="397", pages="171--185",
        ),
        _ref(
            "diciccio1996", "article",
            author="DiCiccio, Thomas J. and Efron, Bradley",
            title="Bootstrap confidence intervals", journal="Statistical Science", year="1996",
            volume="11", number="3", pages="189--228",
        ),
        _ref(
            "mogstad2024", "article",
            author="Mogstad, Magne and Romano, Joseph P. and Shaikh, Azeem M. and Wilhelm, "
            "Daniel",
            title="Inference for ranks with applications to mobility across neighbourhoods and "
            "academic achievement across countries",
            journal="Review of Economic Studies", year="2024", volume="91", number="1",
            pages="476--518",
        ),
        _ref(
            "firth2004", "article",
            author="Firth, David and de Menezes, Ren{\\'e}e X.", title="Quasi-variances",
            journal="Biometrika", year="2004", volume="91", number="1", pages="65--80",
        ),
        _ref(
            "firth1993", "article",
            author="Firth, David", title="Bias reduction of maximum likelihood estimates",
            journal="Biometrika", year="1993", volume="80", number="1", pages="27--38",
        ),
        _ref(
            "holm1979", "article",
            author="Holm, Sture",
            title="A simple sequentially rejective multiple test procedure",
            journal="Scandinavian Journal of Statistics", year="1979", volume="6",
            number="2", pages="65--70",
        ),
        _ref(
            "benjamini1995", "article",
            venue="Journal of the Royal Statistical Society B 57(1), 289-300",
            author="Benjamini, Yoav and Hochberg, Yosef",
            title="Controlling the false discovery rate: a practical and powerful approach "
            "to multiple testing",
            journal="Journal of the Royal Statistical Society: Series B", year="1995",
            volume="57", number="1", pages="289--300",
        ),
        _ref(
            "elo1978", "book",
            author="Elo, Arpad E.", title="The Rating of Chessplayers, Past and Present",
            publisher="Arco", address="New York", year="1978",
        ),
        _ref(
            "huang2025", "misc",
            author="Huang, Jenny Y. and Shen, Yunyi and Wei, Dennis and Broderick, Tamara",
            title="Dropping just a handful of preferences can change top large language model "
            "rankings",
            year="2025", eprint="2508.11847", archiveprefix="arXiv",
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
