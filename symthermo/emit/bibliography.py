r"""References: the papers a document derives, as BibTeX and as one line of text.

:class:`Reference` holds what a citation needs (authors, title, journal or arXiv identifier,
year, DOI); :func:`bibtex` renders a list of them with ``templates/references.bib.j2``
(deterministic: sorted by key), :meth:`Reference.text` gives the line for a report or a
README.  Documents cite them with ``\cite{key}`` and ``\bibliography{references}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .quantity import EmitError


@dataclass(frozen=True)
class Reference:
    """One paper.  ``authors`` as printed ("Barış Çakmak"); ``journal``/``volume``/``pages``
    for a journal article, ``arxiv`` (e.g. "2005.08489") for a preprint, or both."""

    key: str
    title: str
    year: int
    authors: tuple[str, ...] = ()
    journal: str = ""
    volume: str = ""
    pages: str = ""
    arxiv: str = ""
    doi: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_:-]*", self.key):
            raise EmitError(f"reference key {self.key!r}: use letters, digits, '_', ':', '-'")
        if not (self.journal or self.arxiv):
            raise EmitError(f"reference {self.key!r} needs a journal or an arXiv identifier")

    def text(self) -> str:
        """``A, B, and C, "Title", Journal vol, pages (year), arXiv:id, doi:...``."""
        names = list(self.authors)
        who = (names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", and " + names[-1]
               if names else "")
        parts = [who] if who else []
        if self.journal:
            parts.append(f"\u201c{self.title}\u201d")
            venue = self.journal + (f" {self.volume}" if self.volume else "")
            venue += f", {self.pages}" if self.pages else ""
            parts.append(f"{venue} ({self.year})")
        else:
            parts.append(f"\u201c{self.title}\u201d ({self.year})")
        if self.arxiv:
            parts.append(f"arXiv:{self.arxiv}")
        if self.doi:
            parts.append(f"doi:{self.doi}")
        return ", ".join(parts)

    def bibtex_fields(self) -> list[tuple[str, str]]:
        """(field, value) in BibTeX order, values brace-protected for BibTeX."""
        out = []
        if self.authors:
            out.append(("author", " and ".join(_tex_text(a) for a in self.authors)))
        out.append(("title", "{" + _tex_text(self.title) + "}"))
        if self.journal:
            out.append(("journal", _tex_text(self.journal)))
            if self.volume:
                out.append(("volume", self.volume))
            if self.pages:
                out.append(("pages", self.pages))
        out.append(("year", str(self.year)))
        if self.arxiv:
            out.append(("eprint", self.arxiv))
            out.append(("archivePrefix", "arXiv"))
            if not self.journal:
                out.append(("journal", f"arXiv:{self.arxiv}"))
        if self.doi:
            out.append(("doi", self.doi))
        if self.note:
            out.append(("note", _tex_text(self.note)))
        return out

    @property
    def entry_type(self) -> str:
        return "article"


# non-ASCII letters of author names, as LaTeX accents (pdflatex and BibTeX read ASCII safely)
_ACCENTS = {
    "ç": r"{\c{c}}", "Ç": r"{\c{C}}", "ş": r"{\c{s}}", "Ş": r"{\c{S}}", "ı": r"{\i}",
    "İ": r"{\.I}", "ğ": r"{\u{g}}", "ö": r'{\"o}', "ü": r'{\"u}', "é": r"{\'e}", "á": r"{\'a}",
    "à": r"{\`a}", "è": r"{\`e}", "í": r"{\'i}", "ó": r"{\'o}", "ñ": r"{\~n}", "å": r"{\aa}",
}


def _tex_text(text: str) -> str:
    out = "".join(_ACCENTS.get(c, c) for c in text)
    bad = [c for c in out if ord(c) > 127]
    if bad:
        raise EmitError(f"no LaTeX spelling for {''.join(sorted(set(bad)))!r} in {text!r}")
    return out.replace("&", r"\&")


def bibtex(references: Iterable[Reference]) -> str:
    """A BibTeX file of the references (sorted by key, byte-stable)."""
    from .document import environment

    refs = sorted(references, key=lambda r: r.key)
    keys = [r.key for r in refs]
    if len(set(keys)) != len(keys):
        raise EmitError(f"duplicate reference keys in {keys}")
    return environment().get_template("references.bib.j2").render(references=refs)


__all__ = ["Reference", "bibtex"]
