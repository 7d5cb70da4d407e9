"""Datelines and credit lines at the start of a story: 'WASHINGTON (AP) — ', 'LONDON, Jan 20 (Reuters) - '."""

from __future__ import annotations

import re

__all__ = ["strip_dateline"]

_DASH = r"(?:[—–]+|--|\s-|-(?=\s))"
_NEXT = r"\s*(?=[A-Z0-9\"“])"  # the story's first word follows
# Anywhere: an agency alone or after a place in capitals, a place in capitals, a credit line.
_AGENCY = re.compile(r"^(?:[A-Z][A-Z.,'/ ]*\s*)?\([A-Za-z. ]{2,12}\)\s*(?:[—–]+|-+)?" + _NEXT)
_PLACE = re.compile(r"^[A-Z][A-Z.,'/ ]+?\s*(?:[—–]+|--|\s-\s)" + _NEXT)
_CREDIT = re.compile(  # "Republished from World Wire: ", "Syndicated by Reuters: "
    r"^(?:(?:Syndicated|Republished|Reprinted|Reposted|Cross-?posted|Originally published)\s+(?:from|by|on|in|via)"
    r"|Via)\s+(?:the\s+)?[A-Z][^:.!?]{0,59}:" + _NEXT
)
# A story's first sentence only: places in title case ("Washington (CNN) -", "Doha, Qatar -"), dated datelines.
_OPENERS = (
    "On|In|For|Like|Unlike|After|Before|At|As|With|Without|From|By|When|While|Despite|Since|During|Under|Over"
    "|Amid|Across|Inside|Outside|Near|Beyond|To|Of|And|But|Or|So|If|The|A|An|This|That|These|Those|It|He|She|They|We"
)
_WORD = r"[A-Z][A-Za-z.'’]*"
_TOWN = rf"(?!(?:{_OPENERS})\b){_WORD}(?:\s{_WORD}){{0,2}}"  # "New York", "Des Moines"; not "On Monday"
_PLACE_NAME = rf"{_WORD}(?:\s{_WORD}){{0,2}}"  # before a known agency, any: "The Hague (AP) —"
_REGION = rf"{_WORD}(?:\s{_WORD})?"  # "Texas", "Fla.", "South Korea"
_AGENCIES = (
    r"AP|Reuters|AFP|UPI|CNN(?: Business| Politics)?|Bloomberg|dpa|DPA|Xinhua|PTI|IANS|ANI|TASS|Kyodo|Yonhap"
    r"|EFE|ANSA|AAP|CP|BBC|CBS|NBC|ABC|Fox News|VOA|Sputnik|Al Jazeera|JTA|RNS|Axios|NPR|WSJ"
)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_WHERE = rf"(?:[A-Z][A-Z.'/ ]*[A-Z.]|{_TOWN}(?:,\s+{_REGION})?)"
_LEAD_PLACE = re.compile(
    rf"^(?:{_PLACE_NAME}(?:,\s+{_REGION})?\s+\((?:{_AGENCIES})\)\s*{_DASH}"  # "TEHRAN, Iran (AP) —", "New York (CNN) -"
    rf"|{_TOWN},\s+{_REGION}\s*{_DASH}"  # "PROGRESO, Texas —", "Doha, Qatar -"
    rf"|{_WHERE},\s+(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})\s*(?:\([A-Za-z. ]{{2,20}}\)\s*)?{_DASH})"  # dated
    + _NEXT
)


def strip_dateline(sentence: str, *, lead: bool = True) -> str:
    """Drop a leading dateline ('WASHINGTON (AP) — ', '(CNN) - ', 'DENVER — ') or credit line ('Republished from
    World Wire: '); title-case and dated forms ('Doha, Qatar - ', 'LONDON, Jan 20 (Reuters) - ') only from a
    story's first sentence (``lead``), where a phrase such as 'Like Boeing, Airbus — ' cannot be one."""
    sentence = _CREDIT.sub("", sentence, count=1)
    if lead:
        sentence = _LEAD_PLACE.sub("", sentence, count=1)
    return _PLACE.sub("", _AGENCY.sub("", sentence, count=1), count=1)
