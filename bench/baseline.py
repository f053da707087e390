"""Plain spaCy over the same texts: the yardstick a full run is compared with.

Run as its own process (`python -m bench.baseline --warehouse W`), so its
wall time and memory are measured like the pipeline's. It loads the model the
way `SpacyResource.load` does (`cached_pipeline`: the model plus newsrecon's
entity ruler) and pipes `articles.text` with the resource's default batch size.
Plain spaCy uses one process (`nlp.pipe`'s default); `--n-process auto` uses as
many as the `nlp` resource would for these texts, so the pipeline can also be
compared with spaCy given the same cores. It prints one JSON object: load and
pipe seconds, processes, texts, tokens.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

from pipeline.nlp import DEFAULT_MODEL, cached_pipeline
from pipeline.resources import SpacyResource
from pipeline.storage import read_table

AUTO = "auto"


def resource_default(name: str) -> int:
    """A default of the `nlp` resource, so both sides batch the same way."""
    return int(SpacyResource.model_fields[name].default)


def plain_spacy(warehouse: Path, model: str, batch_size: int, n_process: str) -> dict[str, float | int]:
    """Time model loading and `nlp.pipe` over every article text of `warehouse`, separately."""
    texts = read_table(warehouse, "articles")["text"].tolist()
    processes = SpacyResource().processes_for(len(texts)) if n_process == AUTO else int(n_process)
    started = time.perf_counter()
    nlp = cached_pipeline(model)
    loaded = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size, n_process=processes))
    piped = time.perf_counter()
    return {
        "processes": processes,
        "texts": len(texts),
        "characters": sum(len(text) for text in texts),
        "tokens": tokens,
        "load_seconds": loaded - started,
        "pipe_seconds": piped - loaded,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Print the baseline's figures as JSON on stdout."""
    parser = argparse.ArgumentParser(prog="python -m bench.baseline", description=__doc__)
    parser.add_argument("--warehouse", required=True, type=Path)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--batch-size", type=int, default=resource_default("batch_size"))
    parser.add_argument("--n-process", default="1", help=f"processes, or {AUTO!r}: as the nlp resource would")
    args = parser.parse_args(argv)
    print(json.dumps(plain_spacy(args.warehouse, args.model, args.batch_size, args.n_process)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
