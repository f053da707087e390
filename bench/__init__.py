"""`make bench`: newsrecon's full run against plain spaCy on corpora of 100, 1,000 and 10,000 articles.

`corpus` builds the articles, `measure` runs and times processes, `baseline`
is the plain spaCy side, `report` writes `bench/results.json` and `results.md`.
"""
