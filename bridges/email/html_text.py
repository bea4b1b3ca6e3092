"""Conversion of an HTML mail body to readable plain text with BeautifulSoup.

Block elements become line breaks and paragraphs blank lines, list items get a "- "
mark, and runs of white space collapse to one space as a browser shows them. Inside
<pre> the line breaks are kept, but indentation and doubled spaces are not. Scripts, styles, the <head> and comments (Outlook's conditional comments among
them) are dropped, so no markup or CSS reaches the stored content.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, Tag

# Elements whose text is never shown to a reader.
HIDDEN_ELEMENTS = ("head", "script", "style", "noscript", "template", "title", "xml")
PARAGRAPH_ELEMENTS = ("p", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "hr")
LINE_ELEMENTS = ("div", "tr", "li", "dt", "dd", "address", "section", "article", "header", "footer")

# Markers for block boundaries, resolved after the text is extracted: adjacent
# boundaries collapse into one line break, or a blank line if a paragraph is among them.
LINE_MARK = "\x01"
PARAGRAPH_MARK = "\x02"
BREAK_RUN = re.compile("[ \t]*[\x01\x02\n][\x01\x02\n \t]*")
WHITE_SPACE = re.compile(r"[ \t\r\n\f\u200b]+")
# Spaces left doubled where two text nodes meet around a removed element (<img>).
DOUBLED_SPACE = re.compile(r"(?<=\S)  +(?=\S)")


def html_to_text(html: str) -> str:
    """Return the text a reader sees in `html`, with line breaks for blocks."""
    soup = BeautifulSoup(html, "html.parser")

    for element in soup.find_all(HIDDEN_ELEMENTS):
        element.decompose()
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()

    _collapse_white_space(soup)

    for line_break in soup.find_all("br"):
        line_break.replace_with("\n")
    for cell in soup.find_all(("td", "th")):
        cell.insert_after(" ")
    for item in soup.find_all("li"):
        item.insert(0, "- ")
    for element in soup.find_all(LINE_ELEMENTS):
        element.insert_before(LINE_MARK)
        element.insert_after(LINE_MARK)
    for element in soup.find_all(PARAGRAPH_ELEMENTS):
        element.insert_before(PARAGRAPH_MARK)
        element.insert_after(PARAGRAPH_MARK)

    text = BREAK_RUN.sub(_resolve_breaks, soup.get_text())
    return DOUBLED_SPACE.sub(" ", text).strip("\n ")


def _resolve_breaks(match: re.Match[str]) -> str:
    run = match.group(0)
    explicit = run.count("\n")
    if PARAGRAPH_MARK in run:
        return "\n" * max(2, explicit + 1)
    if LINE_MARK in run:
        return "\n" * max(1, explicit + 1)
    return "\n" * explicit


def _collapse_white_space(soup: BeautifulSoup) -> None:
    for node in list(soup.find_all(string=True)):
        if not isinstance(node, NavigableString) or _inside_pre(node):
            continue
        collapsed = WHITE_SPACE.sub(" ", str(node))
        if collapsed != str(node):
            node.replace_with(collapsed)


def _inside_pre(node: NavigableString) -> bool:
    parent = node.parent
    while isinstance(parent, Tag):
        if parent.name == "pre":
            return True
        parent = parent.parent
    return False
