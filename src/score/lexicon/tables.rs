//! The constant tables of vaderSentiment 3.3.2 (its module-level constants, negation words,
//! booster/dampener dictionary and special idioms) plus the codes of the words the rules
//! compare tokens against: data only, shared by the word table and the rules.

// Constants of vaderSentiment 3.3.2.
pub(super) const B_INCR: f64 = 0.293;
pub(super) const B_DECR: f64 = -0.293;
pub(super) const C_INCR: f64 = 0.733;
pub(super) const N_SCALAR: f64 = -0.74;
pub(super) const ALPHA: f64 = 15.0;

#[rustfmt::skip]
pub(super) const NEGATE: &[&str] = &[
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "ain't", "aren't",
    "can't", "couldn't", "daren't", "didn't", "doesn't", "dont", "hadnt", "hasnt", "havent",
    "isnt", "mightnt", "mustnt", "neither", "don't", "hadn't", "hasn't", "haven't", "isn't",
    "mightn't", "mustn't", "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing",
    "nowhere", "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent", "oughtn't", "shan't",
    "shouldn't", "uh-uh", "wasn't", "weren't", "without", "wont", "wouldnt", "won't", "wouldn't",
    "rarely", "seldom", "despite",
];

#[rustfmt::skip]
pub(super) const BOOSTER_DICT: &[(&str, f64)] = &[
    ("absolutely", B_INCR), ("amazingly", B_INCR), ("awfully", B_INCR), ("completely", B_INCR),
    ("considerable", B_INCR), ("considerably", B_INCR), ("decidedly", B_INCR), ("deeply", B_INCR),
    ("effing", B_INCR), ("enormous", B_INCR), ("enormously", B_INCR), ("entirely", B_INCR),
    ("especially", B_INCR), ("exceptional", B_INCR), ("exceptionally", B_INCR),
    ("extreme", B_INCR), ("extremely", B_INCR), ("fabulously", B_INCR), ("flipping", B_INCR),
    ("flippin", B_INCR), ("frackin", B_INCR), ("fracking", B_INCR), ("fricking", B_INCR),
    ("frickin", B_INCR), ("frigging", B_INCR), ("friggin", B_INCR), ("fully", B_INCR),
    ("fuckin", B_INCR), ("fucking", B_INCR), ("fuggin", B_INCR), ("fugging", B_INCR),
    ("greatly", B_INCR), ("hella", B_INCR), ("highly", B_INCR), ("hugely", B_INCR),
    ("incredible", B_INCR), ("incredibly", B_INCR), ("intensely", B_INCR), ("major", B_INCR),
    ("majorly", B_INCR), ("more", B_INCR), ("most", B_INCR), ("particularly", B_INCR),
    ("purely", B_INCR), ("quite", B_INCR), ("really", B_INCR), ("remarkably", B_INCR),
    ("so", B_INCR), ("substantially", B_INCR), ("thoroughly", B_INCR), ("total", B_INCR),
    ("totally", B_INCR), ("tremendous", B_INCR), ("tremendously", B_INCR), ("uber", B_INCR),
    ("unbelievably", B_INCR), ("unusually", B_INCR), ("utter", B_INCR), ("utterly", B_INCR),
    ("very", B_INCR),
    ("almost", B_DECR), ("barely", B_DECR), ("hardly", B_DECR), ("just enough", B_DECR),
    ("kind of", B_DECR), ("kinda", B_DECR), ("kindof", B_DECR), ("kind-of", B_DECR),
    ("less", B_DECR), ("little", B_DECR), ("marginal", B_DECR), ("marginally", B_DECR),
    ("occasional", B_DECR), ("occasionally", B_DECR), ("partly", B_DECR), ("scarce", B_DECR),
    ("scarcely", B_DECR), ("slight", B_DECR), ("slightly", B_DECR), ("somewhat", B_DECR),
    ("sort of", B_DECR), ("sorta", B_DECR), ("sortof", B_DECR), ("sort-of", B_DECR),
];

// SENTIMENT_LADEN_IDIOMS and `_sentiment_laden_idioms_check` exist in the reference but are
// never called ("future work"), so they have no counterpart here.

#[rustfmt::skip]
pub(super) const SPECIAL_CASES: &[(&str, f64)] = &[
    ("the shit", 3.0), ("the bomb", 3.0), ("bad ass", 1.5), ("badass", 1.5), ("bus stop", 0.0),
    ("yeah right", -2.0), ("kiss of death", -1.5), ("to die for", 3.0), ("beating heart", 3.5),
];

// Words the rules compare tokens against (by their lowercase form); 0 is any other word.
pub(super) const W_NO: u8 = 1;
pub(super) const W_KIND: u8 = 2;
pub(super) const W_OF: u8 = 3;
pub(super) const W_LEAST: u8 = 4;
pub(super) const W_AT: u8 = 5;
pub(super) const W_VERY: u8 = 6;
pub(super) const W_NEVER: u8 = 7;
pub(super) const W_SO: u8 = 8;
pub(super) const W_THIS: u8 = 9;
pub(super) const W_WITHOUT: u8 = 10;
pub(super) const W_DOUBT: u8 = 11;
pub(super) const W_BUT: u8 = 12;
pub(super) const W_OR: u8 = 13;
pub(super) const W_NOR: u8 = 14;
#[rustfmt::skip]
pub(super) const RULE_WORDS: &[(&str, u8)] = &[
    ("no", W_NO), ("kind", W_KIND), ("of", W_OF), ("least", W_LEAST), ("at", W_AT),
    ("very", W_VERY), ("never", W_NEVER), ("so", W_SO), ("this", W_THIS),
    ("without", W_WITHOUT), ("doubt", W_DOUBT), ("but", W_BUT), ("or", W_OR), ("nor", W_NOR),
];
