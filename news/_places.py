"""Places a headline or lead names (countries, their peoples, US states, large cities and disputed regions).

Each name maps to one key: a country's name, people and capital or largest cities share it where news uses them
for the country (Kyiv and Ukrainian are Ukraine); US states and other regions keep their own key. The United
States is left out: news in English names it beside nearly every event (a US strike in Iran, US troops in Alaska).
Two reports that both name places and share none are about different events.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

__all__ = ["apart_by_place", "places"]

# key: other names and adjectives (lower case; several words allowed)
_PLACES: dict[str, tuple[str, ...]] = {
    "afghanistan": ("afghan", "afghans", "kabul", "taliban"),
    "albania": ("albanian", "tirana"),
    "algeria": ("algerian", "algiers"),
    "angola": ("angolan", "luanda"),
    "argentina": ("argentine", "argentinian", "buenos aires"),
    "armenia": ("armenian", "yerevan"),
    "australia": ("australian", "australians", "canberra", "sydney", "melbourne"),
    "austria": ("austrian", "vienna"),
    "azerbaijan": ("azerbaijani", "baku"),
    "bahrain": ("bahraini",),
    "bangladesh": ("bangladeshi", "dhaka"),
    "belarus": ("belarusian", "minsk"),
    "belgium": ("belgian", "brussels"),
    "bolivia": ("bolivian",),
    "bosnia": ("bosnian", "sarajevo"),
    "brazil": ("brazilian", "brasilia", "rio de janeiro", "sao paulo"),
    "bulgaria": ("bulgarian",),
    "burkina faso": (),
    "cambodia": ("cambodian", "phnom penh"),
    "cameroon": ("cameroonian",),
    "canada": ("canadian", "canadians", "ottawa", "toronto", "montreal", "vancouver", "quebec", "ontario", "alberta"),
    "chile": ("chilean", "santiago"),
    "china": ("chinese", "beijing", "shanghai", "xinjiang", "tibet", "uyghur", "uyghurs", "shenzhen", "wuhan"),
    "colombia": ("colombian", "bogota"),
    "congo": ("congolese", "kinshasa"),
    "costa rica": (),
    "croatia": ("croatian", "zagreb"),
    "cuba": ("cuban", "cubans", "havana"),
    "cyprus": ("cypriot",),
    "czech republic": ("czech", "czechia", "prague"),
    "denmark": ("danish", "copenhagen", "danes"),
    "ecuador": ("ecuadorian", "quito"),
    "egypt": ("egyptian", "egyptians", "cairo"),
    "el salvador": ("salvadoran", "salvadorans", "cecot"),
    "estonia": ("estonian", "tallinn"),
    "ethiopia": ("ethiopian", "addis ababa", "tigray"),
    "finland": ("finnish", "helsinki"),
    "france": ("french", "paris", "marseille", "macron"),
    "georgia": ("georgian", "tbilisi"),
    "germany": ("german", "germans", "berlin", "munich", "frankfurt", "hamburg"),
    "ghana": ("ghanaian", "accra"),
    "greece": ("greek", "athens"),
    "greenland": ("nuuk", "greenlandic"),
    "guatemala": ("guatemalan", "guatemalans"),
    "haiti": ("haitian", "haitians", "port-au-prince"),
    "honduras": ("honduran", "hondurans"),
    "hong kong": (),
    "hungary": ("hungarian", "budapest"),
    "iceland": ("icelandic", "reykjavik", "grindavik"),
    "india": ("indian", "indians", "new delhi", "delhi", "mumbai", "kashmir", "bangalore"),
    "indonesia": ("indonesian", "jakarta", "bali"),
    "iran": ("iranian", "iranians", "tehran"),
    "iraq": ("iraqi", "iraqis", "baghdad", "mosul"),
    "ireland": ("irish", "dublin"),
    "israel": ("israeli", "israelis", "jerusalem", "tel aviv", "netanyahu"),
    "italy": ("italian", "italians", "rome", "milan", "naples", "sicily"),
    "japan": ("japanese", "tokyo", "osaka"),
    "jordan": ("jordanian", "amman"),
    "kazakhstan": ("kazakh", "astana", "tokayev"),
    "kenya": ("kenyan", "nairobi"),
    "kosovo": (),
    "kuwait": ("kuwaiti",),
    "latvia": ("latvian", "riga"),
    "lebanon": ("lebanese", "beirut", "hezbollah"),
    "libya": ("libyan", "tripoli", "benghazi"),
    "lithuania": ("lithuanian", "vilnius"),
    "malaysia": ("malaysian", "kuala lumpur"),
    "mali": ("malian", "bamako"),
    "mexico": ("mexican", "mexicans", "mexico city", "tijuana"),
    "moldova": ("moldovan", "chisinau"),
    "mongolia": ("mongolian",),
    "morocco": ("moroccan", "rabat"),
    "myanmar": ("burma", "burmese", "rohingya", "yangon"),
    "nepal": ("nepalese", "nepali", "kathmandu"),
    "netherlands": ("dutch", "amsterdam", "the hague", "holland"),
    "new zealand": ("wellington", "auckland"),
    "nicaragua": ("nicaraguan", "managua"),
    "niger": ("nigerien", "niamey"),
    "nigeria": ("nigerian", "nigerians", "abuja", "lagos"),
    "north korea": ("pyongyang", "kim jong un"),
    "norway": ("norwegian", "oslo"),
    "pakistan": ("pakistani", "pakistanis", "islamabad", "karachi", "lahore"),
    "palestine": ("palestinian", "palestinians", "gaza", "west bank", "hamas", "ramallah"),
    "panama": ("panamanian",),
    "paraguay": ("paraguayan",),
    "peru": ("peruvian", "lima"),
    "philippines": ("philippine", "filipino", "filipinos", "manila"),
    "poland": ("polish", "warsaw"),
    "portugal": ("portuguese", "lisbon"),
    "qatar": ("qatari", "doha"),
    "romania": ("romanian", "bucharest"),
    "russia": ("russian", "russians", "moscow", "kremlin", "putin", "st petersburg", "siberia", "chechnya"),
    "rwanda": ("rwandan", "kigali"),
    "saudi arabia": ("saudi", "saudis", "riyadh", "jeddah"),
    "senegal": ("senegalese", "dakar"),
    "serbia": ("serbian", "belgrade"),
    "singapore": ("singaporean",),
    "slovakia": ("slovak", "bratislava"),
    "slovenia": ("slovenian", "ljubljana"),
    "somalia": ("somali", "mogadishu"),
    "south africa": ("johannesburg", "pretoria", "cape town"),
    "south korea": ("seoul", "busan"),
    "south sudan": ("juba",),
    "spain": ("spanish", "madrid", "barcelona", "catalonia", "catalan"),
    "sri lanka": ("sri lankan", "colombo"),
    "sudan": ("sudanese", "khartoum", "darfur"),
    "sweden": ("swedish", "stockholm", "swedes"),
    "switzerland": ("swiss", "geneva", "zurich", "bern", "davos"),
    "syria": ("syrian", "syrians", "damascus", "aleppo", "idlib"),
    "taiwan": ("taiwanese", "taipei"),
    "tanzania": ("tanzanian", "dar es salaam"),
    "thailand": ("thai", "bangkok"),
    "tunisia": ("tunisian", "tunis"),
    "turkey": ("turkish", "ankara", "istanbul", "erdogan", "turkiye"),
    "uganda": ("ugandan", "kampala"),
    "ukraine": ("ukrainian", "ukrainians", "kyiv", "kiev", "kharkiv", "kherson", "odesa", "odessa", "donbas",
                "donetsk", "luhansk", "crimea", "zaporizhzhia", "mariupol", "zelensky", "zelenskyy"),
    "united arab emirates": ("uae", "emirati", "dubai", "abu dhabi"),
    "united kingdom": ("uk", "u.k.", "britain", "british", "london", "england", "english", "scotland", "scottish",
                       "wales", "welsh", "northern ireland", "manchester", "birmingham", "liverpool", "edinburgh"),
    "uruguay": ("uruguayan", "montevideo"),
    "uzbekistan": ("uzbek", "tashkent"),
    "venezuela": ("venezuelan", "venezuelans", "caracas", "maduro"),
    "vietnam": ("vietnamese", "hanoi", "ho chi minh city"),
    "yemen": ("yemeni", "sanaa", "houthi", "houthis", "aden"),
    "zambia": ("zambian", "lusaka"),
    "zimbabwe": ("zimbabwean", "harare"),
    # US states, and cities news names on their own (their state or country would be too coarse)
    **{state: () for state in (
        "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "florida",
        "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine", "maryland",
        "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska", "nevada",
        "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio",
        "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota", "tennessee", "texas",
        "utah", "vermont", "virginia", "west virginia", "wisconsin", "wyoming",
    )},
    "chicago": (), "los angeles": (), "san francisco": (), "seattle": (), "boston": (), "miami": (), "houston": (),
    "dallas": (), "atlanta": (), "detroit": (), "philadelphia": (), "phoenix": (), "denver": (), "minneapolis": (),
    "new orleans": (), "las vegas": (), "baltimore": (), "portland": (),
}

_KEYS: dict[str, str] = {name: key for key, names in _PLACES.items() for name in (key, *names)}
_LONGEST = max(name.count(" ") + 1 for name in _KEYS)
_WORDS = 4  # 256 bits of places per headline
_CHUNK = 1 << 20
_TOKEN = re.compile(r"[^\W\d_]+(?:[.'’-][^\W\d_]+)*\.?", re.UNICODE)


def _capitalised(token: str) -> bool:
    """A token that may name a place: capitalised, and "UK" only in capitals."""
    return token[:1].isupper() and (token.isupper() or token.lower() not in ("uk", "uae"))


def places(text: str) -> frozenset[str]:
    """The places a text names, each as its key ('ukraine' for Ukraine, Kyiv or Ukrainian)."""
    written = [token.removesuffix("'s").removesuffix("’s") for token in _TOKEN.findall(text)]
    tokens = [token.lower() if _capitalised(token) else "" for token in written]
    found: set[str] = set()
    index = 0
    while index < len(tokens):
        for size in range(min(_LONGEST, len(tokens) - index), 0, -1):
            name = " ".join(tokens[index : index + size])
            key = None if "" in tokens[index : index + size] else _KEYS.get(name) or _KEYS.get(name.rstrip("."))
            if key:
                found.add(key)
                index += size
                break
        else:
            index += 1
    return frozenset(found)


def apart_by_place(sim: sparse.csr_matrix, named: Sequence[frozenset[str]]) -> sparse.csr_matrix:
    """Similarities dropped between headlines that both name places (news._places) but none in common: different
    events, whatever words they share ('Iran warns of possible strike amid protests', 'Alaska troops on possible
    Minnesota deployment amid protests'). Headlines only: a lead names more places than its event's."""
    bits = _place_bits(named)
    has: np.ndarray = np.asarray(bits.any(axis=1))
    rows = np.repeat(np.arange(sim.shape[0]), np.diff(sim.indptr))
    candidates = np.flatnonzero(has[rows] & has[sim.indices])
    keep = np.ones(len(sim.data), dtype=bool)
    for start in range(0, len(candidates), _CHUNK):  # pairs in chunks: a large input has millions
        pairs = candidates[start : start + _CHUNK]
        keep[pairs] = (bits[rows[pairs]] & bits[sim.indices[pairs]]).any(axis=1)
    if keep.all():
        return sim
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows[keep], minlength=sim.shape[0]))))
    return sparse.csr_matrix((sim.data[keep], sim.indices[keep], indptr), shape=sim.shape)


def _place_bits(named: Sequence[frozenset[str]]) -> np.ndarray:
    """Each headline's places as bits of _WORDS unsigned words (places beyond their width share bits: then two
    headlines may look alike in place, never apart by mistake)."""
    keys: dict[str, int] = {}
    bits = np.zeros((len(named), _WORDS), dtype=np.uint64)
    for row, found in enumerate(named):
        for key in found:
            index = keys.setdefault(key, len(keys)) % (64 * _WORDS)
            bits[row, index // 64] |= np.uint64(1 << (index % 64))
    return bits
