"""Quality and speed benchmark of news.summarize and news.cluster against standard baselines.

Usage: python bench/quality.py [DATA_DIR]   (default: ../shared/data relative to the project root)
"""

from __future__ import annotations

import json
import os
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from rouge_score import rouge_scorer
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from news import embeddings  # noqa: E402
from news.cluster import group_headlines  # noqa: E402
from news.nlp import split_sentences, words  # noqa: E402
from news.summarize import summarize, summarize_group  # noqa: E402

Row = tuple[str, str, float, float, float, str]
Summarizer = Callable[[Sequence[str]], list[str]]
THRESHOLDS = [round(0.30 + 0.025 * i, 3) for i in range(28)] + [0.98, 0.99, 0.995]


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the records of a JSON Lines file."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


class OurTokenizer:
    """sumy tokenizer built on news.nlp, so nltk's punkt data is never needed."""

    language = "english"

    def to_sentences(self, text: str) -> list[str]:
        """Split text with our splitter."""
        return split_sentences(text)

    def to_words(self, sentence: str) -> list[str]:
        """Tokenize with our tokenizer."""
        return words(sentence)


def sumy_system(cls: type[Any]) -> Summarizer:
    """A sumy summarizer fed with our sentence splitting (one paragraph per input text)."""
    summarizer = cls(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tok = OurTokenizer()

    def run(texts: Sequence[str]) -> list[str]:
        paras = [Paragraph([Sentence(s, tok) for s in split_sentences(t)]) for t in texts]
        doc = ObjectDocumentModel([p for p in paras if p.sentences])
        if not doc.sentences:
            return []
        return [str(s) for s in summarizer(doc, 3)]

    return run


def lead3(texts: Sequence[str]) -> list[str]:
    """Lead-3; over several reports, round-robin over their leading sentences."""
    lists = [split_sentences(t) for t in texts]
    out: list[str] = []
    for depth in range(max((len(x) for x in lists), default=0)):
        out.extend(x[depth] for x in lists if depth < len(x))
    return out[:3]


def rouge_rows(task: str, cases: list[tuple[list[str], str]], systems: dict[str, Summarizer]) -> list[Row]:
    """ROUGE-1/2/L F1 of each system on (texts, reference) cases; also summaries per second."""
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    rows: list[Row] = []
    for name, system in systems.items():
        start = time.perf_counter()
        outputs = [system(texts) for texts, _ in cases]
        rate = len(cases) / (time.perf_counter() - start)
        scores = np.array(
            [
                [s.fmeasure for s in scorer.score(ref, " ".join(out)).values()]
                for (_, ref), out in zip(cases, outputs, strict=True)
            ]
        )
        mean = scores.mean(axis=0)
        rows.append((task, name, mean[0], mean[1], mean[2], f"n={len(cases)}, {rate:,.0f} summaries/s"))
    return rows


def summary_rows(data: Path) -> list[Row]:
    """Summary quality on BBC (single story) and NeuS (three reports per event)."""
    records = read_jsonl(data / "bbc-news-summary/dev.jsonl")
    bbc = [([r["text"]], r["summary"]) for r in records if not r["duplicate_of"]]
    events = [
        ([a["text"] for a in r["articles"]], r["summary"])
        for r in read_jsonl(data / "neus-allsides/events_dev.jsonl")
        if not r["duplicate_of"]
    ]
    baselines = {"Lead-3": lead3, "LexRank (sumy)": sumy_system(LexRankSummarizer),
                 "TextRank (sumy)": sumy_system(TextRankSummarizer)}
    ours_one: Summarizer = lambda texts: summarize(texts[0], 3)  # noqa: E731
    ours_group: Summarizer = lambda texts: summarize_group(texts, 3)  # noqa: E731
    rows = rouge_rows("BBC summary R1/R2/RL", bbc, {"news.summarize": ours_one, **baselines})
    return rows + rouge_rows("NeuS group summary R1/R2/RL", events, {"news.summarize_group": ours_group, **baselines})


def bcubed_pairwise(pred: Sequence[int], gold: Sequence[str]) -> tuple[float, float]:
    """B-cubed F1 and pairwise F1 of a clustering against gold labels."""
    pairs: dict[tuple[int, str], int] = {}
    for p, g in zip(pred, gold, strict=True):
        pairs[(p, g)] = pairs.get((p, g), 0) + 1
    csize: dict[int, int] = {}
    gsize: dict[str, int] = {}
    for (p, g), c in pairs.items():
        csize[p] = csize.get(p, 0) + c
        gsize[g] = gsize.get(g, 0) + c
    n = len(gold)
    prec = sum(c * c / csize[p] for (p, _), c in pairs.items()) / n
    rec = sum(c * c / gsize[g] for (_, g), c in pairs.items()) / n
    same = sum(c * (c - 1) for c in pairs.values())
    pp = same / max(sum(c * (c - 1) for c in csize.values()), 1)
    pr = same / max(sum(c * (c - 1) for c in gsize.values()), 1)
    return 2 * prec * rec / (prec + rec), (2 * pp * pr / (pp + pr) if pp + pr else 0.0)


def group_row(task: str, name: str, pred: Sequence[int], gold: Sequence[str], note: str) -> Row:
    """One table row of grouping scores."""
    b3, pw = bcubed_pairwise(pred, gold)
    return (task, name, b3, pw, adjusted_rand_score(gold, pred), note)


def baseline_row(task: str, docs: Sequence[str], gold: Sequence[str]) -> Row:
    """TF-IDF + average-linkage agglomerative clustering (cosine), threshold grid-searched on gold."""
    mat = TfidfVectorizer(stop_words="english").fit_transform(docs)
    dist = np.clip(1.0 - (mat @ mat.T).toarray(), 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(dist, checks=False), method="average")
    del dist
    best: tuple[float, float, list[int]] = (-1.0, 0.0, [])
    for t in THRESHOLDS:
        pred = fcluster(tree, t=t, criterion="distance").tolist()
        b3 = bcubed_pairwise(pred, gold)[0]
        if b3 > best[0]:
            best = (b3, t, pred)
    return group_row(task, "TF-IDF avg-link (tuned)", best[2], gold, f"best distance threshold {best[1]:.3f}")


def group_rows(data: Path) -> list[Row]:
    """Grouping quality on NeuS (title, title + lead) and the UCI stream (title + time)."""
    neus = list(read_jsonl(data / "neus-allsides/headlines_dev.jsonl"))
    uci = list(read_jsonl(data / "uci-news-aggregator/headlines_dev.jsonl"))
    titles = [r["title"] for r in neus]
    leads = [r["text"] for r in neus]
    gold = [r["story"] for r in neus]
    utitles = [r["title"] for r in uci]
    ugold = [r["story"] for r in uci]
    utimes = [datetime.fromtimestamp(r["timestamp"] / 1000, tz=UTC) for r in uci]
    rows: list[Row] = []
    for task, docs, lead_arg, g, times in [
        ("NeuS groups title (B3/pair/ARI)", titles, None, gold, None),
        ("NeuS groups title+lead (B3/pair/ARI)", titles, leads, gold, None),
        ("UCI groups title+time (B3/pair/ARI)", utitles, None, ugold, utimes),
    ]:
        start = time.perf_counter()
        pred = group_headlines(docs, lead_arg, times)
        secs = time.perf_counter() - start
        rows.append(group_row(task, "news.group_headlines", pred, g, f"n={len(docs)}, {secs:.2f} s"))
        texts = [f"{t} {x}" for t, x in zip(docs, lead_arg, strict=True)] if lead_arg else list(docs)
        rows.append(baseline_row(task, texts, g))
        rows += embedding_rows(task, docs, lead_arg, g, times)
    return [*rows, speed_row(titles + utitles, utimes), *embedding_speed_rows(titles)]


def _memo_embed() -> dict[str, float]:
    """Make news.embeddings.embed reuse vectors already computed (the mixed rows then time the rest only)."""
    cache: dict[str, Any] = {}
    spent = {"secs": 0.0}
    compute = embeddings.embed

    def embed(texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            start = time.perf_counter()
            cache.update(zip(missing, compute(missing), strict=True))
            spent["secs"] += time.perf_counter() - start
        return np.stack([cache[t] for t in texts])

    embeddings.embed = embed  # type: ignore[assignment]
    return spent


def embedding_rows(
    task: str, docs: list[str], leads: list[str] | None, gold: list[str], times: list[datetime] | None
) -> list[Row]:
    """Rows of the optional embedding and mixed methods, or one note when the extra is not installed."""
    if not embeddings.available():
        nan = float("nan")
        return [(task, "embedding / mixed", nan, nan, nan, "skipped: pip install '.[embeddings]'")]
    rows: list[Row] = []
    for method in ("embedding", "mixed"):
        start = time.perf_counter()
        pred = group_headlines(docs, leads, times, method=method)
        secs = time.perf_counter() - start
        reuse = ", embeddings reused" if method == "mixed" else ""
        rows.append(group_row(task, f"group_headlines {method}", pred, gold, f"n={len(docs)}, {secs:.2f} s{reuse}"))
    return rows


def embedding_speed_rows(titles: list[str]) -> list[Row]:
    """Headlines grouped per second by the embedding method, embeddings computed afresh."""
    if not embeddings.available():
        return []
    sample = [" ".join(t.split()[:-1]) or t for t in titles[:2000]]  # shortened titles: not yet embedded
    start = time.perf_counter()
    group_headlines(sample, method="embedding")
    secs = time.perf_counter() - start
    nan = float("nan")
    note = f"{len(sample)} titles in {secs:.2f} s, {len(sample) / secs:,.0f} headlines/s (2 cores, CPU torch)"
    return [("Speed: group 2k titles (embedding)", "group_headlines embedding", nan, nan, nan, note)]


def speed_row(pool: list[str], utimes: list[datetime]) -> Row:
    """Headlines grouped per second at 10,000 titles, and the peak traced memory of that call."""
    extra = [" ".join(t.split()[:-1]) or t for t in pool]
    titles = (pool + extra)[:10_000]
    base = min(utimes)
    times = [base.fromtimestamp(base.timestamp() + 13.0 * i, tz=UTC) for i in range(len(titles))]
    start = time.perf_counter()
    labels = group_headlines(titles, None, times)
    secs = time.perf_counter() - start
    tracemalloc.start()
    group_headlines(titles, None, times)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    note = f"{secs:.2f} s, {len(titles) / secs:,.0f} headlines/s, {max(labels) + 1} groups, peak {peak:.0f} MiB"
    return ("Speed: group 10k titles+times", "news.group_headlines", float("nan"), float("nan"), float("nan"), note)


def print_table(rows: Sequence[Row]) -> None:
    """Print all rows as one aligned table."""
    head = ("task (metrics)", "system", "m1", "m2", "m3", "notes")
    w0 = max(len(head[0]), *(len(r[0]) for r in rows))
    w1 = max(len(head[1]), *(len(r[1]) for r in rows))
    print(f"{head[0]:<{w0}}  {head[1]:<{w1}}  {'m1':>7}  {'m2':>7}  {'m3':>7}  notes")
    print("-" * (w0 + w1 + 40))
    for task, name, a, b, c, note in rows:
        nums = "  ".join("      -" if x != x else f"{x:7.4f}" for x in (a, b, c))
        print(f"{task:<{w0}}  {name:<{w1}}  {nums}  {note}")


def main() -> None:
    """Run every measurement and print one table."""
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".." / "shared" / "data"
    rows = summary_rows(data)
    if embeddings.available():
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        _memo_embed()
    rows += group_rows(data)
    print_table(rows)
    print_ratios(rows)


def print_ratios(rows: Sequence[Row]) -> None:
    """Our summaries' ROUGE-1/2/L as ratios to each baseline's, measured in this run (the targets are ratios)."""
    print("\nSummaries, ours / baseline (R1, R2, RL):")
    ours_by_task = {"BBC summary R1/R2/RL": "news.summarize", "NeuS group summary R1/R2/RL": "news.summarize_group"}
    for task, ours in ours_by_task.items():
        found = {name: (a, b, c) for row_task, name, a, b, c, _ in rows if row_task == task}
        for name, scores in found.items():
            if name != ours and all(scores):
                ratios = ", ".join(f"{x / y:.3f}x" for x, y in zip(found[ours], scores, strict=True))
                print(f"  {task.split(' R1')[0]:<20} vs {name:<16} {ratios}")


if __name__ == "__main__":
    main()
