# %% [markdown]
# # Tension in a detente corpus
#
# Reads the sentence CSV (or Parquet file) that `detente score` writes and draws four
# figures:
#
# 1. the tension of each sentence of one article, as a strip;
# 2. the monthly mean tension of the most frequent dyads;
# 3. the distribution of event classes;
# 4. tension from A to B and from B to A over time, for the top directed pairs.
#
# Inputs come from the environment so the same notebook runs on any corpus:
# `DETENTE_SENTENCES` (default `out/sample.csv`; a `.parquet` file is read as
# Parquet), `DETENTE_FIGURES` (default `out/figures`) and, optionally, `DETENTE_DOC` (the `doc_id` of the article to draw;
# default: the document with the most sentences). `scripts/notebook/run` executes it
# headless.

# %%
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

SENTENCES = os.environ.get("DETENTE_SENTENCES", "out/sample.csv")
FIGURES = os.environ.get("DETENTE_FIGURES", "out/figures")
os.makedirs(FIGURES, exist_ok=True)

# Text columns stay strings; empty cells in them are "", not NaN.
TEXT = ["doc_id", "text", "date", "actors", "dyad", "source", "target", "event_class",
        "cameo_root", "cameo_name"]
if SENTENCES.endswith((".parquet", ".pq")):
    # `detente score -o FILE.parquet`: typed columns; repeated strings read as categories,
    # empty cells as nulls.
    df = pd.read_parquet(SENTENCES)
    for c in TEXT:
        if c in df.columns:
            df[c] = df[c].astype(object).where(df[c].notna(), "").astype(str)
else:
    df = pd.read_csv(SENTENCES, dtype={c: str for c in TEXT}, keep_default_na=False,
                     na_values={"tension": [""], "goldstein": [""], "sentiment": [""]})
needed = {"doc_id", "sentence", "tension", "event_class"}
missing = needed - set(df.columns)
if missing:
    raise SystemExit(f"{SENTENCES}: missing columns {sorted(missing)} (run `detente score` "
                     "with the default scorers)")
print(f"{SENTENCES}: {len(df)} sentences, {df['doc_id'].nunique()} documents")


def save(fig, name):
    path = os.path.join(FIGURES, name)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    print("wrote", path)


# %% [markdown]
# ## 1. One article, sentence by sentence
#
# Each bar is a sentence, in reading order; its height and colour are its `tension`
# (0 = cooperation or neutral statement, 1 = armed conflict). The dotted line is the 0.5
# threshold that `share_tense` counts.

# %%
doc = os.environ.get("DETENTE_DOC") or df.groupby("doc_id")["sentence"].count().idxmax()
art = df[df["doc_id"] == doc].sort_values("sentence")
fig, ax = plt.subplots(figsize=(9, 3))
colours = plt.cm.RdYlBu_r(art["tension"].to_numpy())
ax.bar(art["sentence"], art["tension"], color=colours, edgecolor="grey", linewidth=0.3)
ax.axhline(0.5, color="black", linestyle=":", linewidth=1)
ax.set_ylim(0, 1)
ax.set_xlabel("sentence")
ax.set_ylabel("tension")
ax.set_title(f"Tension by sentence: {doc}")
for s, t, c in zip(art["sentence"], art["tension"], art["event_class"]):
    if t >= 0.5:
        ax.annotate(c.replace("_", " "), (s, t), textcoords="offset points", xytext=(0, 3),
                    ha="center", fontsize=7)
save(fig, "strip.png")

# %% [markdown]
# ## 2. Top dyads over time
#
# Sentences naming two or more states carry a `dyad` (`JPN-KOR`); `date` is the
# document's date. The plot shows the monthly mean tension of the five dyads with the
# most sentences (undirected; figure 4 shows who acts on whom).

# %%
fig, ax = plt.subplots(figsize=(9, 3.5))
if {"dyad", "date"} <= set(df.columns):
    dy = df[(df["dyad"] != "") & (df["date"] != "")].copy()
    dy["month"] = pd.PeriodIndex(dy["date"].str[:7], freq="M").to_timestamp()
    top = dy["dyad"].value_counts().head(5).index
    for d in top:
        series = dy[dy["dyad"] == d].groupby("month")["tension"].mean()
        ax.plot(series.index, series.to_numpy(), marker="o", label=f"{d} ({(dy['dyad'] == d).sum()})")
    if len(top):
        ax.legend(title="dyad (sentences)", fontsize=8)
    else:
        ax.text(0.5, 0.5, "no dated sentences with a dyad", ha="center", transform=ax.transAxes)
else:
    ax.text(0.5, 0.5, "no dyad/date columns in this CSV", ha="center", transform=ax.transAxes)
ax.set_ylim(0, 1)
ax.set_ylabel("mean tension")
ax.set_title("Tension of the top dyads by month")
fig.autofmt_xdate()
save(fig, "dyads.png")

# %% [markdown]
# ## 3. Event classes
#
# The most probable event class of each sentence (`event_class`), in the order of the
# conflict–cooperation scale.

# %%
order = ["material_cooperation", "verbal_cooperation", "statement", "verbal_conflict",
         "material_conflict"]
counts = df["event_class"].value_counts().reindex(order, fill_value=0)
fig, ax = plt.subplots(figsize=(7, 3))
ax.barh([c.replace("_", " ") for c in order], counts.to_numpy(),
        color=plt.cm.RdYlBu_r([0.0, 0.2, 0.45, 0.75, 1.0]))
ax.set_xlabel("sentences")
ax.set_title("Event classes")
save(fig, "event_classes.png")

# %% [markdown]
# ## 4. Directed pairs: A to B against B to A
#
# `source` and `target` say who acts on whom (`KORGOV`, `JPN`; the first three letters are
# the state or organisation kind). A sentence counts for each directed pair `A>B` of its
# source and target states; for the three pairs with the most sentences in both
# directions, the panels show the monthly mean tension from A to B and from B to A.

# %%
def prefixes(cell):
    return sorted({c[:3] for c in cell.split(";") if len(c) >= 3})


pairs = []
if {"source", "target", "date"} <= set(df.columns):
    for _, r in df[(df["source"] != "") & (df["target"] != "") & (df["date"] != "")].iterrows():
        for a in prefixes(r["source"]):
            for b in prefixes(r["target"]):
                if a != b:
                    pairs.append((a, b, r["date"][:7], r["tension"]))
dp = pd.DataFrame(pairs, columns=["a", "b", "month", "tension"])
if len(dp):
    dp["month"] = pd.PeriodIndex(dp["month"], freq="M").to_timestamp()
    dp["key"] = [tuple(sorted(k)) for k in zip(dp["a"], dp["b"])]
    top = dp["key"].value_counts().head(3).index
else:
    top = []
fig, axes = plt.subplots(1, max(len(top), 1), figsize=(9, 3), sharey=True, squeeze=False)
for ax, (x, y) in zip(axes[0], top):
    for a, b, style in [(x, y, "-o"), (y, x, "--s")]:
        one = dp[(dp["a"] == a) & (dp["b"] == b)]
        series = one.groupby("month")["tension"].mean()
        ax.plot(series.index, series.to_numpy(), style, label=f"{a}>{b} ({len(one)})")
    ax.set_title(f"{x} and {y}")
    ax.legend(fontsize=7)
    ax.set_ylim(0, 1)
if not len(top):
    axes[0][0].text(0.5, 0.5, "no dated sentences with a source and a target",
                    ha="center", transform=axes[0][0].transAxes)
axes[0][0].set_ylabel("mean tension")
fig.suptitle("Tension by direction, top directed pairs", y=1.05)
fig.autofmt_xdate()
save(fig, "directed.png")
