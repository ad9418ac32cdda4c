#!/usr/bin/env python3
"""Build the actor tables of models/actors/ from the PETRARCH2 dictionaries.

    python3 scripts/build/actor_tables.py [DICT_DIR [OUT_DIR]]

DICT_DIR holds Phoenix.Countries.actors.txt, Phoenix.International.actors.txt,
Phoenix.MilNonState.actors.txt and Phoenix.agents.txt (openeventdata/petrarch2, MIT licence).
Default: $DETENTE_DATASETS/petrarch2 when DETENTE_DATASETS is set (an error when that is not a
folder), else ../shared/datasets/petrarch2 beside the repository. OUT_DIR defaults to
models/actors/ of the repository. Standard library only; the output is sorted, so a rebuild
from the same dictionaries gives the same bytes.

Writes (tab-separated, UTF-8, one header line, no comments):
  people.tsv         name, code, from, to   one row per name variant and role; from/to are
                     ISO dates, empty for an open end or an undated (default) role
  organisations.tsv  name, code             international organisations and non-state armed
                     groups, one code per name (the most recent when the entry is dated)
  agents.tsv         name, code             generic agents ("police", "rebels"), with the
                     marker as written: "~COP" (agent code appended after the actor's code)
                     or "IGO~" (prepended before it); plus AGENT_SUPPLEMENTS, which the
                     dictionary lacks ("forces", "the opposition", "fundamentalists")
  places.tsv         name, code, kind       the names of each state's record: regions,
                     provinces, cities and the misspellings the dictionary lists ("Darfur",
                     "Chechnya", "Gaza Strip", "Afgahanistan") -> the state's three letters,
                     in the case news writes them; kind "variant" for a form of the state's
                     own name (difflib ratio >= 0.75 with the record's first name: "Isreal"),
                     else "place"; guarded (below)
people_current.tsv and people_earlier.tsv, written by hand, are not touched.

How the dictionaries are read (PETRARCH2's PETRreader.py and dictionaries.rst):
- '#' starts a comment that runs to the end of the line; blank lines are skipped.
- An actor record is a primary phrase, then '+' synonym lines, then code lines '[CODE DATES]'
  (usually tab-indented); every code line applies to every name of the record. A code written
  on the primary line ('UN_ [IGOUNO]') is the record's default. One line may carry several
  codes ('[IGOUNO 820101-911231] [ELI]').
- DATES: 'A-B' (between, both ends inclusive), '>A' (from A on), '<B' (up to B), none (the
  default, used when no dated code applies). Read here also: '> A' (a space after '>') as '>A',
  and a bare 'A' (two entries) as '>A'. A date is YYYYMMDD or YYMMDD; a YY year 00-30 is
  20YY, else 19YY (PETRreader.dstr_to_ordate, "for consistency with KEDS and TABARI").
- Code '---' is the null code (no actor); those roles are dropped.
- '_' joins words (the TABARI "whole word" mark at the end is dropped); names are lowercased,
  '_' becomes a space, spaces are collapsed.
- Agents: 'PHRASE {PLURAL} [CODE]'. Without '{...}' the regular plural of the last word is
  added (PETRARCH does so for the last word; here for the head word, the one before the first
  preposition if any, by English rules: +S, +ES after SS X Z CH SH, consonant+Y -> IES, MAN ->
  MEN; none for an abbreviation or a word already ending in a single S), with '{X}' the plural
  is X, with '{}' there is none.
  '!PERSON!'-style markers are replaced by each word of their list, with no further plural.

Places (places.tsv): the names of the records whose primary line carries one code, as
written ('SUDAN_ [SDN]' then '+DARFUR_', '+KHARTOUM_'), with the state's three letters
('PSEGZA' -> PSE, 'USAGUM' -> USA). Kept only when the name has 4 characters or more, names
one state only, is not a river, sea, desert, range or region shared by several states
(SHARED_FEATURES: the Nile, the Dead Sea, Kashmir, Kurdistan), is no name of people.tsv, organisations.tsv or agents.tsv, and, for a single
word, is no word of a person's name in people.tsv ('Charlotte', 'Murray', 'Vladimir') and never
appears in lower case in the running text of PLACE_GUARD_CORPORA (real news and speeches:
'nice', 'split', 'reading' are words before they are places). The
detente gazetteer reads them below every registry name and alias, and only where no
capitalised word stands next to them.

Which entries go where:
- Phoenix.Countries.actors.txt mixes states and places with people, offices and national
  institutions. A record is a place, and skipped, when its primary line carries a code
  ('AFGHANISTAN_ [AFG]', 'GUAM_ [USAGUM]') or when any of its codes is a bare three-letter
  state code ('[IRQ <20030320]', '[SUN]'): the country gazetteer covers those. Every other
  record (people, offices such as 'WHITE_HOUSE_PRESS_SECRETARY', national institutions such as
  'US_SENATE_' or 'PEOPLES_LIBERATION_ARMY') goes to people.tsv with all its roles.
- International and MilNonState records go to organisations.tsv (their persons too: these
  files do not mark which entries are persons). Those of their records that carry at least
  one dated code (UN secretaries-general, heads of IGOs, a few group leaders) also go to
  people.tsv with every role, except five dated organisations (DATED_ORGANISATIONS).
- Names: a name followed by its abbreviation in brackets ('IRISH_REPUBLICAN_ARMY_(IRA)_')
  is also kept without it when it has three words or more; an organisation named 'United
  Nations ...' is also kept as 'un ...' and 'u.n. ...'. PETRARCH's legacy state prefixes ANG
  (Angola) and KSV (Kosovo) become the ISO ones, AGO and XKX.
- Name clean-up: a name line without '+' directly below a record that has no code yet is read
  as a synonym of it (the '+' is missing); an unclosed '(...' remark and a stray ')' are cut;
  'X,_THEN_Y' is two names; 'X,_THE' is 'the X'; names under 3 characters and names with a
  broken character (U+FFFD) are dropped.
"""
import datetime
import difflib
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROG = "actor_tables"

COUNTRIES = "Phoenix.Countries.actors.txt"
INTERNATIONAL = "Phoenix.International.actors.txt"
MILNONSTATE = "Phoenix.MilNonState.actors.txt"
AGENTS = "Phoenix.agents.txt"

NULL_CODE = "---"
PREPOSITIONS = {"AT", "BY", "FOR", "FROM", "IN", "OF", "ON", "TO", "WITH"}
MIN_NAME = 3
MIN_PLACE = 4
# Generic agents the agent dictionary lacks, as the CAMEO codebook's conventions code them
# (each form written out): "Serb forces" MIL, "the opposition" OPP, "Islamic fundamentalists"
# RAD. A name the dictionary has is never overridden.
AGENT_SUPPLEMENTS = (("forces", "~MIL"), ("opposition", "~OPP"), ("opposition group", "~OPP"),
                     ("opposition groups", "~OPP"), ("fundamentalist", "~RAD"),
                     ("fundamentalists", "~RAD"))
# Rivers, lakes, seas, deserts and ranges shared by several states, which the dictionary lists
# under one of them: never a place of that state.
SHARED_FEATURES = {
    "nile", "nile river", "sava", "columbia river", "danube", "rhine", "mekong", "euphrates",
    "tigris", "amazon", "zambezi", "indus", "ganges", "brahmaputra", "amur", "yalu", "lake constance",
    "lake geneva", "lake leman", "lake victoria", "lake chad", "lake tanganyika", "dead sea",
    "red sea", "aral sea", "caspian sea", "himalayas", "andes", "alps", "sahara", "kalahari desert",
    "gobi desert", "arabian desert", "atacama desert", "nubian desert", "saint lawrence river",
    "st. lawrence river", "niagara river", "kashmir", "punjab", "bengal", "kurdistan",
    "macedonia", "balkans", "caucasus",
}
# Words kept in lower case inside a place's name.
SMALL_WORDS = {"of", "and", "the", "de", "del", "da", "do", "la", "le", "el", "al", "on", "upon"}
# A name this close to its record's first name (difflib ratio) is a variant of the state's
# name ('isreal', 'afganistan', 'sudanese'), not a place inside it.
VARIANT_RATIO = 0.75
# Running text whose lower-case words rule a one-word place name out (paths under the data
# sets folder; those missing are skipped with a warning).
PLACE_GUARD_CORPORA = ("newsmtsc_train.jsonl", "cameo_quad_train.tsv", "ungdc_2023")
# 'name (abbr)': a name followed by a one-word abbreviation in brackets.
ACRONYM = re.compile(r"(.*[^ ]) \(([a-z]{2,6})\)")
# PETRARCH's own state codes that ISO 3166-1 writes otherwise: Angola, Kosovo (the gazetteer
# codes Kosovo XKX). Region codes (WEU, MEA, ...) are not states and stay as they are.
LEGACY_STATES = {"ANG": "AGO", "KSV": "XKX"}

# Date restrictions in the dictionaries that are typing errors, read as their entry means
# (PETRARCH itself reads the first six or eight digits of a date, giving another day, and never
# matches a range that ends before it starts).
SPEC_FIXES = {
    "9008223-911221": "900823-911221",            # ARMENIA_ (a place): [USRARM <900823] above
    ">201005011": ">20100511",                    # DAVID_CAMERON_: prime minister from 11 May 2010
    "1920030320-20060520": "20030320-20060520",   # Iraqi places: [IRQ <20030320] above
    "1920050709-20110709": "20050709-20110709",   # South Sudan places: [SDNSSD <20050709] above
    "2004017-20061201": "20040117-20061201",      # BAN_KI-MOON [KORGOVBUS]: minister 17 Jan 2004 on
    "20121207-20120802": "20111207-20120802",     # KAMAL_GANZOURI_ 'PM pt. 2': Dec 2011 - Aug 2012
}

# Dated entries of the International file that are organisations, not people: kept out of
# people.tsv (they stay in organisations.tsv).
DATED_ORGANISATIONS = {"WARSAW_TREATY_ORGANIZATION_", "HUMAN_RIGHTS_INTERNET HARVARD_",
                       "HUMAN_RIGHTS_INTERNET OTTAWA_", "ABN_AMRO_", "ABBEY_NATIONAL_"}

warnings = []
stats = {"date typos corrected": 0, "names joined to the next record (missing '+')": 0,
         "place records skipped": 0, "records without a code (dropped)": 0,
         "null-code roles dropped": 0, "places naming two states (dropped)": 0,
         "places too short, not plain or another table's name (dropped)": 0,
         "one-word places that are also a lower-case word (dropped)": 0,
         "rivers, seas and regions shared by several states (dropped)": 0,
         "one-word places that are also a word of a person's name (dropped)": 0}


def warn(msg):
    warnings.append(msg)
    print(f"{PROG}: warning: {msg}", file=sys.stderr)


def fail(msg):
    print(f"{PROG}: error: {msg}", file=sys.stderr)
    sys.exit(2)


def dict_dir(argv):
    if len(argv) > 1 and argv[1]:
        d = os.path.abspath(argv[1])
        print(f"{PROG}: dictionaries from {d} (argument)", file=sys.stderr)
    elif os.environ.get("DETENTE_DATASETS"):
        base = os.environ["DETENTE_DATASETS"]
        if not os.path.isdir(base):
            fail(f"DETENTE_DATASETS={base} is not a folder; set it to the folder holding the data "
                 "sets (petrarch2/, ...) or give the dictionary folder as the first argument")
        d = os.path.join(os.path.abspath(base), "petrarch2")
        print(f"{PROG}: dictionaries from {d} ($DETENTE_DATASETS/petrarch2)", file=sys.stderr)
    else:
        d = os.path.join(os.path.dirname(ROOT), "shared", "datasets", "petrarch2")
        print(f"{PROG}: dictionaries from {d} (../shared/datasets/petrarch2, DETENTE_DATASETS "
              "unset)", file=sys.stderr)
    missing = [f for f in (COUNTRIES, INTERNATIONAL, MILNONSTATE, AGENTS)
               if not os.path.isfile(os.path.join(d, f))]
    if missing:
        fail(f"{d} lacks {', '.join(missing)}")
    return d


# ---------------------------------------------------------------- reading

def content_lines(path):
    """(line number, text without comment, stripped) for each line that has content."""
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            text = raw.split("#", 1)[0]
            text = re.sub(r"<!--.*?-->", "", text)
            text = text.strip()
            if text:
                yield n, text


def norm_name(phrase):
    """'SHINZO_ABE_ ' -> 'shinzo abe'; None when it should not be kept."""
    name = " ".join(phrase.replace("_", " ").split()).lower()
    # Remarks left in a name: an unclosed '(' and what follows it ('STANKO_TODOROV (ACTING_'),
    # a stray ')' ('HAMMARSKJOLD)').
    if "(" in name and ")" not in name[name.rfind("("):]:
        name = name[:name.rfind("(")].strip()
    if ")" in name and "(" not in name:
        name = name.replace(")", "").strip()
    if name.endswith(", the"):          # catalogue order: 'ANARCHISTS,_THE_'
        name = "the " + name[:-5]
    if len(name) < MIN_NAME or "\ufffd" in name:
        return None
    return name


def iso_date(s, where):
    """'060926' -> '2006-09-26'; None (with a warning) when unreadable."""
    try:
        if re.fullmatch(r"\d{8}", s):
            y, m, d = int(s[:4]), int(s[4:6]), int(s[6:8])
        elif re.fullmatch(r"\d{6}", s):
            yy, m, d = int(s[:2]), int(s[2:4]), int(s[4:6])
            y = 2000 + yy if yy <= 30 else 1900 + yy
        else:
            raise ValueError("not YYMMDD or YYYYMMDD")
        return datetime.date(y, m, d).isoformat()
    except ValueError as e:
        warn(f"{where}: date {s!r} unreadable ({e}); that end is left open")
        return None


def parse_codes(text, where):
    """All '[CODE DATES]' groups of text -> [(code, from, to, dated)]."""
    out = []
    for body in re.findall(r"\[([^\]]*)\]", text):
        parts = body.split()
        if not parts:
            warn(f"{where}: empty code []")
            continue
        code, spec = parts[0], "".join(parts[1:])  # '> 140608' is read as '>140608'
        if spec in SPEC_FIXES:
            stats["date typos corrected"] += 1
            spec = SPEC_FIXES[spec]
        if not spec:
            out.append((code, "", "", False))
        elif spec[0] == ">":
            out.append((code, iso_date(spec[1:], where) or "", "", True))
        elif spec[0] == "<":
            out.append((code, "", iso_date(spec[1:], where) or "", True))
        elif "-" in spec:
            a, b = spec.split("-", 1)
            a, b = iso_date(a, where) or "", iso_date(b, where) or ""
            if a and b and a > b:
                warn(f"{where}: range {spec!r} ends before it starts; kept as written")
            out.append((code, a, b, True))
        elif spec.isdigit():
            # A bare date (two entries: '[MNEGOV 20121204]', '[USAGOV 19820101] # entered
            # Foreign Service'): the role from that date on, as their comments mean.
            out.append((code, iso_date(spec, where) or "", "", True))
        else:
            warn(f"{where}: date restriction {spec!r} not understood; role kept undated")
            out.append((code, "", "", False))
    return out


class Record:
    def __init__(self, path, line, phrase, codes):
        self.where = f"{os.path.basename(path)}:{line}"
        self.phrases = [phrase]
        self.codes = list(codes)
        self.primary_code = bool(codes)
        self.last_line = line


def read_actor_file(path):
    """The records of a PETRARCH .actors file, in file order."""
    records = []
    for n, text in content_lines(path):
        where = f"{os.path.basename(path)}:{n}"
        if text.startswith("["):
            if not records:
                warn(f"{where}: code line before any name; skipped")
                continue
            records[-1].codes.extend(parse_codes(text, where))
        elif text.startswith("+"):
            if not records:
                warn(f"{where}: synonym before any name; skipped")
                continue
            phrase, _, rest = text[1:].partition("[")
            # One synonym line in MilNonState holds two synonyms joined by '+'.
            records[-1].phrases.extend(p for p in phrase.split("+") if p.strip())
            if rest:
                records[-1].codes.extend(parse_codes("[" + rest, where))
        else:
            phrase, _, rest = text.partition("[")
            rec = Record(path, n, phrase, parse_codes("[" + rest, where) if rest else [])
            prev = records[-1] if records else None
            if (prev is not None and not prev.codes and not rec.codes
                    and prev.last_line == n - 1):
                # A name line without '+' right below a record that has no code yet: a
                # synonym whose '+' is missing ('LEONID_BREZHNEV_' then 'LEONID_ILYICH_BREZHNEV'
                # then the codes). PETRARCH would leave the upper names without a code.
                prev.phrases.append(phrase)
                stats["names joined to the next record (missing '+')"] += 1
                rec = prev
            else:
                records.append(rec)
        records[-1].last_line = n
    return records


def names_of(rec):
    out = []
    for phrase in rec.phrases:
        # 'ANTHONY_CROSLAND,_THEN_DAVID_OWEN_' (two holders of one dated role) is two names.
        for p in re.split(r",[ _]+THEN[ _]+", phrase, flags=re.I):
            name = norm_name(p)
            if name is None:
                continue
            # 'IRISH_REPUBLICAN_ARMY_(IRA)_': also the name without its abbreviation, which news
            # writes on its own, when it has three words or more ('NATIONAL_FRONT_(NF)' alone
            # is too often another party). Not the abbreviation alone: too many are another
            # group's or an army's ('PLA', 'ANA', 'JEM').
            m = ACRONYM.fullmatch(name)
            for n in ([m.group(1)] if m and len(m.group(1).split()) >= 3 else []) + [name]:
                if len(n) >= MIN_NAME and n not in out:
                    out.append(n)
    return out


def state_code(code):
    """The code with a PETRARCH legacy state prefix replaced by its ISO one ('ANGREB' ->
    'AGOREB'); other codes as they are."""
    prefix = code[:3]
    return LEGACY_STATES.get(prefix, prefix) + code[3:]


def is_place(rec):
    return rec.primary_code or any(re.fullmatch(r"[A-Z]{3}", c[0]) for c in rec.codes)


def most_recent(codes):
    """The code that applies latest: an open-ended '>A' (latest A), else the default (it applies
    once every dated code has ended), else the dated code that ends latest."""
    codes = [c for c in codes if c[0] != NULL_CODE]
    if not codes:
        return None
    open_ended = [c for c in codes if c[3] and c[1] and not c[2]]
    if open_ended:
        return max(open_ended, key=lambda c: c[1])[0]
    default = [c for c in codes if not c[3]]
    if default:
        return default[0][0]
    return max(codes, key=lambda c: (c[2], c[1]))[0]


def plural_word(word):
    """The regular plural of one word, by English rules rather than PETRARCH's (which gives
    'CHURCHS', 'ATTORNEIES', 'MILITIAMANS', 'SOLDIERSES'); '' for an abbreviation ('COL.') and
    a word already ending in a single S ('FORCES', 'AFFAIRS')."""
    if not word or not word[-1].isalnum():
        return ""
    if word.endswith("S") and not word.endswith("SS"):
        return ""
    if word.endswith("MAN"):
        return word[:-3] + "MEN"
    if word.endswith(("SS", "X", "Z", "CH", "SH")):
        return word + "ES"
    if word.endswith("Y") and len(word) > 1 and word[-2] not in "AEIOU":
        return word[:-1] + "IES"
    return word + "S"


def regular_plural(phrase):
    """The phrase with its head word in the plural: the word before the first preposition
    ('DEPARTMENT_OF_DEFENSE' -> 'DEPARTMENTS_OF_DEFENSE'), else the last word; '' if none."""
    parts = re.split(r"([ _]+)", phrase.strip().rstrip("_").rstrip())
    words = parts[0::2]
    head = len(words) - 1
    for i, w in enumerate(words[1:], 1):
        if w in PREPOSITIONS:
            head = i - 1
            break
    if words[head] in PREPOSITIONS:
        return ""
    plural = plural_word(words[head])
    if not plural:
        return ""
    parts[2 * head] = plural
    return "".join(parts)


def read_agents(path):
    """[(name, code)] with the plural forms, as PETRreader.read_agent_dictionary stores them."""
    markers, rows = {}, []
    for n, text in content_lines(path):
        where = f"{os.path.basename(path)}:{n}"
        if "!" in text and "=" in text:
            m = re.fullmatch(r"!([^!]+)!\s*=\s*(.*)", text)
            if not m:
                warn(f"{where}: substitution marker not understood; skipped")
                continue
            markers[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        if "[" not in text:
            warn(f"{where}: agent {text!r} has no code; skipped (as PETRARCH does)")
            continue
        phrase, _, rest = text.partition("[")
        code = rest.partition("]")[0].strip()
        if "!" in phrase:
            m = re.search(r"!([^!]+)!", phrase)
            if not m or m.group(1) not in markers:
                warn(f"{where}: unknown substitution marker in {phrase!r}; skipped")
                continue
            for word in markers[m.group(1)]:
                rows.append((phrase[:m.start()] + word + phrase[m.end():], code))
            continue
        if "{" in phrase:
            if "}" not in phrase:
                warn(f"{where}: missing '}}' in {phrase!r}; skipped")
                continue
            root = phrase[:phrase.find("{")]
            plural = phrase[phrase.find("{") + 1:phrase.find("}")].strip()
        else:
            root = phrase
            plural = regular_plural(root)
        rows.append((root, code))
        if plural:
            rows.append((plural, code))
    known = {norm_name(p) for p, _ in rows}
    rows.extend((p, code) for p, code in AGENT_SUPPLEMENTS if norm_name(p) not in known)
    out = []
    for phrase, code in rows:
        name = norm_name(phrase)
        if name is not None:
            out.append((name, code))
    return out


def place_name(name):
    """'buenos aires' -> 'Buenos Aires', 'al-khartoum' -> 'Al-Khartoum', 'bay of naples' ->
    'Bay of Naples'."""
    def cap(w):
        return "-".join(p[:1].upper() + p[1:] for p in w.split("-"))
    words = name.split()
    return " ".join([cap(words[0])] + [w if w in SMALL_WORDS else cap(w) for w in words[1:]])


def lowercase_words(datasets):
    """Every lower-case word of the guard corpora (JSON and TSV read as plain text)."""
    words = set()
    for rel in PLACE_GUARD_CORPORA:
        path = os.path.join(datasets, rel)
        files = ([os.path.join(path, f) for f in sorted(os.listdir(path))]
                 if os.path.isdir(path) else [path])
        if not os.path.exists(path):
            warn(f"{path}: missing; its words do not guard the places")
            continue
        for f in files:
            if os.path.isfile(f):
                with open(f, encoding="utf-8", errors="replace") as fh:
                    words.update(re.findall(r"(?<![\w'])[a-z][a-z'-]*[a-z](?![\w'])", fh.read()))
    return words


def place_rows(records, taken, common, person_words):
    """(name, state) for the names of the states' own records, guarded."""
    states, kinds = {}, {}
    for rec in records:
        if not rec.primary_code or len(rec.codes) != 1 or rec.codes[0][0] == NULL_CODE:
            continue
        code = state_code(rec.codes[0][0])[:3]
        names = names_of(rec)
        for name in names:
            states.setdefault(name, set()).add(code)
            similar = difflib.SequenceMatcher(None, name, names[0]).ratio() >= VARIANT_RATIO
            kinds[name] = "variant" if similar else "place"
    rows = []
    for name, codes in states.items():
        if len(codes) > 1:
            stats["places naming two states (dropped)"] += 1
        elif name in SHARED_FEATURES:
            stats["rivers, seas and regions shared by several states (dropped)"] += 1
        elif len(name) < MIN_PLACE or name.startswith("the ") or name in taken or not re.fullmatch(r"[a-z][a-z .'-]*", name):
            stats["places too short, not plain or another table's name (dropped)"] += 1
        elif " " not in name and name in common:
            stats["one-word places that are also a lower-case word (dropped)"] += 1
        elif " " not in name and name in person_words:
            stats["one-word places that are also a word of a person's name (dropped)"] += 1
        else:
            rows.append((place_name(name), next(iter(codes)), kinds[name]))
    return rows


# ---------------------------------------------------------------- writing

def write_tsv(path, header, rows):
    rows = sorted(set(rows))
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    return len(rows), os.path.getsize(path)


def main(argv):
    src = dict_dir(argv)
    if len(argv) > 2 and argv[2]:
        out_dir = os.path.abspath(argv[2])
    else:
        out_dir = os.path.join(ROOT, "models", "actors")
    os.makedirs(out_dir, exist_ok=True)

    people, orgs = [], []

    def people_rows(rec):
        for name in names_of(rec):
            for code, a, b, _ in rec.codes:
                if code != NULL_CODE:
                    people.append((name, state_code(code), a, b))

    countries = read_actor_file(os.path.join(src, COUNTRIES))
    for rec in countries:
        if is_place(rec):
            stats["place records skipped"] += 1
            continue
        if not rec.codes:
            stats["records without a code (dropped)"] += 1
            continue
        stats["null-code roles dropped"] += sum(c[0] == NULL_CODE for c in rec.codes)
        people_rows(rec)

    for fname in (INTERNATIONAL, MILNONSTATE):
        for rec in read_actor_file(os.path.join(src, fname)):
            code = most_recent(rec.codes)
            if code is None:
                stats["records without a code (dropped)"] += 1
                continue
            stats["null-code roles dropped"] += sum(c[0] == NULL_CODE for c in rec.codes)
            for name in names_of(rec):
                orgs.append((name, state_code(code)))
                # 'united nations high commissioner for refugees' is also written with the
                # abbreviation 'UN' or 'U.N.'.
                if name.startswith("united nations "):
                    rest = name[len("united nations "):]
                    orgs.extend(((f"un {rest}", code), (f"u.n. {rest}", code)))
            if (any(c[3] for c in rec.codes)
                    and rec.phrases[0].strip() not in DATED_ORGANISATIONS):
                people_rows(rec)

    agents = read_agents(os.path.join(src, AGENTS))
    taken = {r[0] for r in people} | {r[0] for r in orgs} | {r[0] for r in agents}
    person_words = {w for r in people for w in r[0].split()}
    places = place_rows(countries, taken, lowercase_words(os.path.dirname(src)), person_words)

    for k, v in stats.items():
        print(f"{PROG}: {k}: {v}", file=sys.stderr)
    for fname, header, rows in (("people.tsv", ("name", "code", "from", "to"), people),
                                ("organisations.tsv", ("name", "code"), orgs),
                                ("agents.tsv", ("name", "code"), agents),
                                ("places.tsv", ("name", "code", "kind"), places)):
        n, size = write_tsv(os.path.join(out_dir, fname), header, rows)
        print(f"{fname}: {n} rows, {size} bytes")
    print(f"{PROG}: {len(warnings)} warning(s)", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
