"""Rebuild the bundled Latin subsets of Lato ("Centric Lato") used by the reports (run once; output is committed).

Lato (Łukasz Dziedzic, SIL Open Font License 1.1, see OFL.txt) ships with ~3,000 glyphs and large
kerning tables; WeasyPrint re-subsets every font for every PDF, which took 1.5 s per report with the
full files. These subsets keep Latin-1, Latin Extended-A, Greek (for α, η, ω) and the punctuation the
reports use, with kerning and tabular figures, and make every machine render the same glyphs.

    python reports/fonts/make_subset.py /usr/share/fonts/truetype/lato
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

STYLES = ("Regular", "Bold", "Light", "Italic")
UNICODES = (
    "U+0020-007E,U+00A0-017F,U+0391-03C9,U+2010-2027,U+2030-203A,U+2070-2089,"
    "U+0300-036F,U+2190-2193,U+2212,U+2248,U+2260-2265,U+2022,U+00B7"
)


def main(src: str) -> None:
    out = Path(__file__).parent
    for style in STYLES:
        opts = subset.Options()
        # No GPOS kerning: its pair tables cost WeasyPrint ~0.4 s per font per PDF to re-subset.
        opts.layout_features = ["liga", "tnum", "lnum", "pnum"]
        opts.drop_tables += ["GPOS", "kern"]
        opts.name_IDs = ["*"]
        opts.notdef_outline = True
        opts.hinting = False
        opts.desubroutinize = True
        font = subset.load_font(str(Path(src) / f"Lato-{style}.ttf"), opts)
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=subset.parse_unicodes(UNICODES))
        sub.subset(font)
        for rec in font["name"].names:  # a family name of our own: never confused with system Lato
            if rec.nameID in (1, 3, 4, 16, 18):
                rec.string = rec.toUnicode().replace("Lato", "Centric Lato")
            elif rec.nameID == 6:
                rec.string = rec.toUnicode().replace("Lato", "CentricLato")
        font["head"].created = font["head"].modified = 3600 * 24 * 365 * 70  # fixed, plausible
        subset.save_font(font, str(out / f"Lato-{style}.ttf"), opts)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/lato")
