"""Do the five labels of cameo_quad_train.tsv follow CAMEO's root -> quad-class table?
(docs/cameo-grouping.md)

    python3 scripts/build/cameo_grouping.py [--datasets DIR] [--cameo DIR]
        [--min-n 8] [--all-tokens] [--examples ROOT]

Gives every labelled sentence a silver CAMEO root from the PETRARCH2 verb dictionary
(petrarch2/CAMEO.verbpatterns.150430.txt in the data-sets folder, MIT), cross-tabulates silver
root x gold label and compares each root's majority label with the standard grouping
(01 statement; 02-05 verbal cooperation; 06-08 material cooperation; 09-13 verbal conflict;
14-20 material conflict). Root names and mean Goldstein values come from cameo_codes.json and
cameo_goldstein.json (the gdelt-py 0.1.11 codebook that bootstrap installs).

DIR defaults: data sets from $DETENTE_DATASETS, else <repo>/../shared/datasets; the codebook from
$DETENTE_HOME/data/cameo, else ~/.cache/detente/data/cameo. Standard library only.

Silver root of a sentence, in short:
  * tokens: the sentence upper-cased, split into runs of letters, digits, ' and -;
  * verbs: every token (or run of tokens, for multi-word verbs such as CLEAR_UP) that is a form
    of a dictionary verb; forms are the verb's {...} list when it has one, else the base form
    plus regular -S/-ES/-IES, -D/-ED/-IED and -ING forms (with and without a doubled final
    consonant); a token capitalised after the sentence's first (United States, Islamic State)
    or right after a determiner (the attack) is not taken as a verb unless --all-tokens;
  * code of a verb: among its block's patterns (`- pre * post [code]`), those whose words all
    occur in order before the verb (pre) and after it (post) in the sentence, the one with the
    most words (first in the file on a tie); else the verb's own [code], else the block's.
    Pattern words match a token exactly, as a regular plural, or as a prefix when the word has
    5 or more letters (the dictionary uses stems such as COOPERAT); &SYNSETs match any of
    their phrases; $ + % ^ (actor slots) are ignored; patterns with no word other than
    prepositions, articles and auxiliaries (such as `+ * &PREPOSIT1 $`) are skipped;
  * a verb whose code is null (---) gives no event;
  * root of the sentence: the root (first two digits) that more than half of its coded verbs
    share, else that of the first coded verb; no coded verb -> no silver root.
"""
import argparse, collections, json, os, re, sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LABELS = ['statement', 'verbal_coop', 'material_coop', 'verbal_confl', 'material_confl']
SHORT = ['stmt', 'v-coop', 'm-coop', 'v-confl', 'm-confl']
ACTOR_SLOTS = {'$', '+', '%', '^'}


def standard_label(root):
    r = int(root)
    return 0 if r == 1 else 1 if r <= 5 else 2 if r <= 8 else 3 if r <= 13 else 4


def paths(args):
    if args.datasets:
        ds, ds_from = Path(args.datasets), '--datasets'
    elif os.environ.get('DETENTE_DATASETS'):
        ds, ds_from = Path(os.environ['DETENTE_DATASETS']), 'DETENTE_DATASETS'
    else:
        ds, ds_from = REPO.parent / 'shared' / 'datasets', '<repo>/../shared/datasets, DETENTE_DATASETS unset'
    if args.cameo:
        cam, cam_from = Path(args.cameo), '--cameo'
    elif os.environ.get('DETENTE_HOME'):
        cam, cam_from = Path(os.environ['DETENTE_HOME']) / 'data' / 'cameo', 'DETENTE_HOME/data/cameo'
    else:
        cam, cam_from = Path.home() / '.cache' / 'detente' / 'data' / 'cameo', '~/.cache/detente/data/cameo, DETENTE_HOME unset'
    print(f'data sets: {ds} ({ds_from})')
    print(f'codebook:  {cam} ({cam_from})')
    return ds, cam


# ---------------------------------------------------------------- verb dictionary

def regular_forms(w):
    """Base form plus regular -s, -ed and -ing forms (a few spellings each)."""
    out = {w}
    vowels = 'AEIOU'
    if w.endswith('Y') and len(w) > 1 and w[-2] not in vowels:
        out |= {w[:-1] + 'IES', w[:-1] + 'IED', w + 'ING'}
    else:
        out.add(w + ('ES' if re.search(r'(S|SH|CH|X|Z|O)$', w) else 'S'))
        if w.endswith('E'):
            out |= {w + 'D', w[:-1] + 'ING', w + 'ING'}
        else:
            out |= {w + 'ED', w + 'ING'}
            if len(w) >= 3 and w[-1] not in vowels + 'WXY' and w[-2] in vowels and w[-3] not in vowels:
                out |= {w + w[-1] + 'ED', w + w[-1] + 'ING'}
    return out


def phrase_forms(phrase):
    """'+CLEAR_UP' or 'WIRE_+TAP' (no {...}): every form, inflecting the '+' word."""
    words = phrase.split('_')
    k = next((i for i, x in enumerate(words) if x.startswith('+')), 0)
    words = [x.lstrip('+') for x in words]
    return [tuple(words[:k] + [f] + words[k + 1:]) for f in sorted(regular_forms(words[k]))]


def split_phrase(p):
    return tuple(x.lstrip('+') for x in p.split('_') if x.lstrip('+'))


def parse_code(s):
    """'040' -> '040'; '042:043' -> '042' (source side); '---' or '' -> None."""
    s = s.strip().split(':')[0].strip()
    return s if re.fullmatch(r'\d{2,4}', s) else None


def synset_phrases(words, no_plural):
    alts = {tuple(words)}
    if not no_plural and words:
        last = words[-1]
        pl = last[:-1] + 'IES' if last.endswith('Y') else last + 'ES' if last.endswith('SS') else last + 'S'
        alts.add(tuple(words[:-1] + [pl]))
    return alts


def load_verbs(path):
    lines = open(path, encoding='utf-8', errors='replace').read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith('####### VERB PATTERNS'))
    # synsets: '&LABEL' then '+PHRASE' lines
    synsets, cur = {}, None
    for l in lines[:start]:
        l = l.split('#', 1)[0].rstrip()
        if l.startswith('&'):
            label = l.strip()
            cur = synsets.setdefault(label.rstrip('_'), {'no_plural': label.endswith('_'), 'alts': set()})
        elif l.strip().startswith('+') and cur is not None:
            p = l.strip()[1:]
            words = [w for w in p.rstrip('_').split('_') if w]
            cur['alts'] |= synset_phrases(words, cur['no_plural'] or p.endswith('_'))
        elif not l.strip():
            cur = None
    blocks, block = [], None
    for l in lines[start + 1:]:
        s = l.strip()
        if not s or s.startswith('#') or s.startswith('~'):
            continue
        if s.startswith('---'):
            m = re.search(r'\[([^\]]*)\]', s)
            block = {'name': s.strip('-# ').split('[')[0].strip(), 'code': parse_code(m.group(1)) if m else None,
                     'verbs': [], 'patterns': []}
            blocks.append(block)
        elif s.startswith('-'):
            body = s[1:].split('#', 1)[0]
            m = re.search(r'\[([^\]]*)\]', body)
            if not m or '*' not in body:
                continue
            pre, post = body[:m.start()].split('*', 1)
            pat = {'pre': pattern_terms(pre, synsets), 'post': pattern_terms(post, synsets),
                   'code': parse_code(m.group(1)), 'text': body.strip()}
            if any(not is_function(t) for t in pat['pre'] + pat['post']):
                pat['n'] = len(pat['pre']) + len(pat['post'])
                block['patterns'].append(pat)
        elif block is not None:
            body = s.split('#', 1)[0]
            forms_m = re.search(r'\{([^}]*)\}', body)
            code_m = re.search(r'\[([^\]]*)\]', body)
            head = re.sub(r'\{[^}]*\}|\[[^\]]*\]', ' ', body).split()
            if not head:
                continue
            phrase = head[0]
            if forms_m is not None:
                forms = {split_phrase(phrase)} | {split_phrase(f) for f in forms_m.group(1).split()}
            else:
                forms = set(phrase_forms(phrase))
            block['verbs'].append({'verb': phrase.replace('+', ''), 'forms': forms,
                                   'code': parse_code(code_m.group(1)) if code_m else block['code'],
                                   'block': block})
    # index: first word of a form -> [(form words, verb)], longest forms first
    index = collections.defaultdict(list)
    for b in blocks:
        for v in b['verbs']:
            for f in v['forms']:
                index[f[0]].append((f, v))
    for k in index:
        index[k].sort(key=lambda fv: -len(fv[0]))
    return blocks, index, synsets


FUNCTION_WORDS = {'A', 'AN', 'THE', 'TO', 'OF', 'IN', 'ON', 'AT', 'BY', 'FOR', 'FROM', 'WITH', 'AGAINST',
                  'NEAR', 'INTO', 'OVER', 'AND', 'OR', 'NOT', 'IS', 'ARE', 'AM', 'WAS', 'WERE', 'BE', 'BEEN',
                  'HAS', 'HAVE', 'HAD', 'WILL', 'WOULD', 'IS TO', 'IT', 'ITS'}


def is_function(term):
    """A term made only of prepositions, articles and auxiliaries (such as &PREPOSIT1, &AUXVERB1)."""
    return all(' '.join(alt) in FUNCTION_WORDS for alt in term)


def pattern_terms(part, synsets):
    """A pattern half -> list of terms; a term is a set of alternatives (tuples of words)."""
    part = re.sub(r'[{}()]', ' ', part)
    terms = []
    for tok in part.split():
        for piece in tok.split('_'):
            piece = piece.strip()
            if not piece or piece in ACTOR_SLOTS or not re.search(r'[A-Z0-9&]', piece):
                continue
            if piece.startswith('&'):
                syn = synsets.get(piece.rstrip('_'))
                if syn and syn['alts']:
                    terms.append(syn['alts'])
                else:
                    return []  # undefined synset: PETRARCH ignores the pattern
            else:
                terms.append({(piece.strip('$+%^'),)})
    return terms


# ---------------------------------------------------------------- matching

def word_match(w, tok):
    return tok == w or tok in (w + 'S', w + 'ES') or (len(w) >= 5 and tok.startswith(w))


def find_term(term, toks, i):
    """Earliest position >= i where one of the term's alternatives starts; returns its end."""
    for j in range(i, len(toks)):
        for alt in term:
            if j + len(alt) <= len(toks) and all(word_match(w, toks[j + k]) for k, w in enumerate(alt)):
                return j + len(alt)
    return None


def terms_in_order(terms, toks):
    i = 0
    for t in terms:
        i = find_term(t, toks, i)
        if i is None:
            return False
    return True


DETERMINERS = {'THE', 'A', 'AN', 'THIS', 'THAT', 'THESE', 'THOSE', 'ITS', 'THEIR', 'HIS', 'HER', 'OUR',
               'MY', 'YOUR', 'ANY', 'NO', 'SOME', 'EACH', 'EVERY'}


def tokens(sentence):
    """Upper-cased tokens and, for each, whether it may be a verb: not capitalised after the first
    token (names such as United States, Islamic State) and not right after a determiner
    (the attack, a protest)."""
    raw = re.findall(r"[A-Za-z0-9][A-Za-z0-9'\-]*", sentence.replace('\u02bc', "'").replace('\u2019', "'"))
    toks = [t.upper() for t in raw]
    verbish = [(i == 0 or not t[0].isupper()) and (i == 0 or toks[i - 1] not in DETERMINERS)
               for i, t in enumerate(raw)]
    return toks, verbish


def present_words(toks):
    """Every dictionary word that word_match() could match to some token."""
    out = set(toks)
    for t in toks:
        out.update(t[:k] for k in range(5, len(t)))
        if t.endswith('ES'):
            out.add(t[:-2])
        if t.endswith('S'):
            out.add(t[:-1])
    return out


def could_match(terms, present):
    return all(any(all(w in present for w in alt) for alt in t) for t in terms)


def sentence_verbs(toks, index, verbish=None):
    """[(position, verb word, code, pattern text or None)] for each dictionary verb in the sentence;
    verbish (one bool a token) leaves out tokens that cannot start a verb."""
    out, i = [], 0
    present = present_words(toks)
    while i < len(toks):
        if verbish is not None and not verbish[i]:
            i += 1
            continue
        hit = None
        for form, v in index.get(toks[i], ()):
            if tuple(toks[i:i + len(form)]) == form:
                hit = (form, v)
                break
        if hit is None:
            i += 1
            continue
        form, v = hit
        end = i + len(form)
        best = None
        for p in v['block']['patterns']:
            if (best is None or p['n'] > best['n']) and could_match(p['pre'] + p['post'], present) \
                    and terms_in_order(p['pre'], toks[:i]) \
                    and terms_in_order(p['post'], toks[end:]):
                best = p
        code = best['code'] if best else v['code']
        out.append((i, v['verb'], code, best['text'] if best else None))
        i = end
    return out


def silver_root(verbs):
    roots = [c[:2] for _, _, c, _ in verbs if c]
    if not roots:
        return None
    top, n = collections.Counter(roots).most_common(1)[0]
    return top if n * 2 > len(roots) else roots[0]


# ---------------------------------------------------------------- codebook

def class_goldstein(gold, codes, grouping):
    """Mean Goldstein value of each class's codes (every code under the class's roots, the
    two-digit root entries included, as the training export averages them)."""
    sums = [[0.0, 0] for _ in LABELS]
    for c, g in gold.items():
        if c in codes and c[:2] in grouping:
            k = grouping[c[:2]]
            sums[k][0] += g['value']
            sums[k][1] += 1
    return [t / n if n else float('nan') for t, n in sums]


def load_codebook(cam):
    codes_p, gold_p = cam / 'cameo_codes.json', cam / 'cameo_goldstein.json'
    if not codes_p.is_file() or not gold_p.is_file():
        print(f'codebook: {codes_p} or {gold_p} missing; root names and Goldstein values left out')
        return {}, {}, {}, {}
    codes = json.load(open(codes_p, encoding='utf-8'))
    gold = json.load(open(gold_p, encoding='utf-8'))
    names = {c: v.get('name', c) for c, v in codes.items() if v.get('root')}
    means = {}
    for r in names:
        vals = [g['value'] for c, g in gold.items() if c.startswith(r) and c in codes]
        if vals:
            means[r] = sum(vals) / len(vals)
    quad = {c: v.get('quad_class') for c, v in codes.items() if v.get('root')}
    odd = [r for r in names if quad.get(r) != max(1, standard_label(r))]
    if odd:
        print('note: codebook quad_class differs from the standard grouping for', odd)
    return names, means, codes, gold


# ---------------------------------------------------------------- keyword cross-check

# Cues for the roots in question, matched on the lower-cased sentence without the dictionary:
# (root the cue belongs to, cue name, regex).
KEYWORDS = [
    ('02', 'urge / call on, for / appeal for', r"\burg(e|es|ed|ing)\b|\bcall(s|ed|ing)? (on|for|upon)\b|\bappeal(s|ed|ing)? (for|to)\b"),
    ('09', 'investigate / probe / inquiry', r"\binvestigat|\bprobe\b|\bprobes\b|\binquiry\b"),
    ('14', 'protest / demonstrate / rally / riot / strike', r"\bprotest|\bdemonstrat|\brall(y|ies|ied)\b|\briot|\bstrike\b|\bstrikes\b"),
    ('16', 'impose sanctions / embargo', r"\b(impos|slap|announc)\w* (\w+ ){0,3}(sanctions|embargo)"),
    ('16', 'suspend / cut / halt aid, talks, ties', r"\b(suspend|cut|halt|freez|stopp?)\w* (\w+ ){0,3}(aid|assistance|talks|negotiations|ties|relations|flights)"),
    ('16', 'expel diplomat / withdraw peacekeepers, staff', r"\bexpel\w* (\w+ ){0,4}(diplomat|ambassador|envoy|peacekeeper|inspector|worker|staff)|\bwithdr[ae]w\w* (\w+ ){0,2}(peacekeepers|ambassador|staff)"),
    ('16', 'cancel visit, trip, talks', r"\bcancel\w* (\w+ ){0,3}(visit|trip|talks|meeting|summit)"),
    ('08', 'lift / ease sanctions, embargo', r"\b(lift|eas|remov)\w* (\w+ ){0,3}(sanctions|embargo)"),
    ('17', 'arrest / detain / deport', r"\barrest|\bdetain|\bdeport"),
    ('04', 'hold talks / meet / visit', r"\b(hold|holds|held) (\w+ ){0,2}talks\b|\bmet\b|\bmeets\b|\bvisit(s|ed|ing)?\b"),
]


def keyword_table(rows):
    print('\nkeyword cross-check (regex on the sentence, no dictionary)')
    print(f'{"root":4} {"cue":48} {"n":>4} ' + ' '.join(f'{h:>7}' for h in SHORT) + f'  {"majority":8} {"standard":8}')
    for root, name, rx in KEYWORDS:
        c = collections.Counter(lab for s, lab, _, _ in rows if re.search(rx, s.lower()))
        tot = sum(c.values())
        if not tot:
            continue
        maj = max(range(5), key=lambda k: c[k])
        print(f'{root:4} {name:48} {tot:4} ' + ' '.join(f'{c[k]:7}' for k in range(5)) +
              f'  {SHORT[maj]:8} {SHORT[standard_label(root)]:8}')


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--datasets', help='data-set folder (default: $DETENTE_DATASETS, else <repo>/../shared/datasets)')
    ap.add_argument('--cameo', help='codebook folder (default: $DETENTE_HOME/data/cameo, else ~/.cache/detente/data/cameo)')
    ap.add_argument('--min-n', type=int, default=8, help='roots with at least this many silver sentences get a row (8)')
    ap.add_argument('--all-tokens', action='store_true',
                    help='treat every token as a possible verb (no name or determiner filter)')
    ap.add_argument('--examples', metavar='ROOT', help='print the sentences of one silver root with their verbs and gold label')
    args = ap.parse_args()
    ds, cam = paths(args)
    tsv, verbs_p = ds / 'cameo_quad_train.tsv', ds / 'petrarch2' / 'CAMEO.verbpatterns.150430.txt'
    for p in (tsv, verbs_p):
        if not p.is_file():
            sys.exit(f'skipping: {p} not found (set DETENTE_DATASETS or pass --datasets)')
    blocks, index, synsets = load_verbs(verbs_p)
    print('verb candidates: ' + ('every token' if args.all_tokens else
          'tokens not capitalised after the first and not right after a determiner'))
    print(f'verb dictionary: {len(blocks)} blocks, {sum(len(b["verbs"]) for b in blocks)} verbs, '
          f'{sum(len(b["patterns"]) for b in blocks)} patterns with words, {len(synsets)} synsets')
    names, means, codes, gold = load_codebook(cam)

    rows = []
    for line in open(tsv, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.strip():
            s, lab = line.rsplit('\t', 1)
            toks, verbish = tokens(s)
            vs = sentence_verbs(toks, index, None if args.all_tokens else verbish)
            rows.append((s, int(lab), vs, silver_root(vs)))
    n = len(rows)
    covered = [r for r in rows if r[3]]
    print(f'\nsentences: {n}; with a silver root: {len(covered)} ({len(covered) / n:.1%}); '
          f'with any dictionary verb: {sum(1 for r in rows if r[2])}; '
          f'root from a pattern: {sum(1 for r in covered if any(v[3] for v in r[2] if v[2] and v[2][:2] == r[3]))}')
    gold_n = collections.Counter(r[1] for r in rows)
    cov_n = collections.Counter(r[1] for r in covered)
    print('coverage by gold label: ' + ', '.join(f'{LABELS[k]} {cov_n[k]}/{gold_n[k]} ({cov_n[k] / gold_n[k]:.0%})' for k in range(5)))

    tab = collections.defaultdict(collections.Counter)
    for s, lab, vs, r in covered:
        tab[r][lab] += 1
    base = [cov_n[k] / len(covered) for k in range(5)]
    agree = sum(tab[r][standard_label(r)] for r in tab)
    print(f'silver root mapped by the standard grouping agrees with the gold label on '
          f'{agree}/{len(covered)} ({agree / len(covered):.1%}) covered sentences')

    print(f'\nsilver root x gold label (all roots; share of covered sentences per label: '
          + ', '.join(f'{SHORT[k]} {base[k]:.2f}' for k in range(5)) + ')')
    hdr = f'{"root":4} {"name":34} {"Gstn":>5} {"n":>4} ' + ' '.join(f'{h:>7}' for h in SHORT) + \
          f'  {"majority":8} {"share":>5} {"lift":>4}  {"standard":8}  flag'
    print(hdr)
    print('-' * len(hdr))
    proposal = {}
    for r in sorted(set(names) | set(tab)):
        c = tab.get(r, collections.Counter())
        tot = sum(c.values())
        std = standard_label(r)
        g = f'{means[r]:5.1f}' if r in means else '    ?'
        name = names.get(r, '?')[:34]
        if tot == 0:
            print(f'{r:4} {name:34} {g} {0:4}')
            proposal[r] = (std, 'no data')
            continue
        maj = max(range(5), key=lambda k: (c[k], k == std))
        share = c[maj] / tot
        lift = share / base[maj] if base[maj] else float('nan')
        big = tot >= args.min_n
        flag = ('DEVIATES' if maj != std else '') if big else f'(n<{args.min_n})'
        proposal[r] = (maj, 'data') if big else (std, f'standard (n={tot})')
        print(f'{r:4} {name:34} {g} {tot:4} ' + ' '.join(f'{c[k]:7}' for k in range(5)) +
              f'  {SHORT[maj]:8} {share:5.2f} {lift:4.1f}  {SHORT[std]:8}  {flag}')

    print(f'\nproposed root -> label (majority where n >= {args.min_n}, else the standard grouping)')
    for k in range(5):
        rs = [r for r in sorted(proposal) if proposal[r][0] == k]
        print(f'  {k} {LABELS[k]:15} ' + ' '.join(r + ('' if proposal[r][1] == 'data' else '*') for r in rs))
    print('  (* = too few silver sentences: standard grouping)')
    pred_agree = sum(tab[r][proposal[r][0]] for r in tab)
    print(f'proposed grouping agrees with the gold label on {pred_agree}/{len(covered)} ({pred_agree / len(covered):.1%}) covered sentences')

    if gold:
        std = class_goldstein(gold, codes, {r: standard_label(r) for r in proposal})
        new = class_goldstein(gold, codes, {r: proposal[r][0] for r in proposal})
        print('mean Goldstein value per class (over its codes): ' +
              ', '.join(f'{SHORT[k]} {std[k]:.2f} -> {new[k]:.2f}' for k in range(5)) + ' (standard -> proposed)')
        w = lambda G: [max(0.0, -g) / max(max(0.0, -x) for x in G) for g in G]
        print('tension weights max(0, -G) / max: ' +
              ', '.join(f'{SHORT[k]} {a:.3f} -> {b:.3f}' for k, (a, b) in enumerate(zip(w(std), w(new)))))

    print('\nsilver root assignment: which verbs carry each root (top 8 verb words)')
    carriers = collections.defaultdict(collections.Counter)
    for s, lab, vs, r in covered:
        for _, w, code, _ in vs:
            if code and code[:2] == r:
                carriers[r][w] += 1
    for r in sorted(carriers):
        print(f'  {r}: ' + ', '.join(f'{w} {k}' for w, k in carriers[r].most_common(8)))

    keyword_table(rows)

    if args.examples:
        print(f'\nsentences with silver root {args.examples}:')
        for s, lab, vs, r in covered:
            if r == args.examples:
                print(f'  [{LABELS[lab]}] {s}\n      verbs: ' +
                      '; '.join(f'{w}={c or "---"}' + (f' <{p}>' if p else '') for _, w, c, p in vs))


if __name__ == '__main__':
    main()
