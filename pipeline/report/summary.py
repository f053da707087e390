"""A story's conflicts and most widely carried quotes as Markdown, for the Dagster UI's asset metadata."""

from __future__ import annotations

import re
import textwrap

from pipeline.report.views import StoryView

TOP_CLUSTERS = 5
_QUOTE_WIDTH = 160
# Characters Markdown would read as markup (or HTML) in a text from the wild.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def story_summary_markdown(story: StoryView, link: str, top_clusters: int = TOP_CLUSTERS) -> str:
    """Markdown of a story: its conflicts, its `top_clusters` most carried quotes, a link to its page."""
    lines = [
        f"### {_escape(story.title)}",
        "",
        f"{len(story.articles)} articles from {story.outlet_count} outlets, first published "
        f"{story.first_published or 'on an unknown date'}. [Open the full report]({_escape_link(link)})",
        "",
        f"**Conflicts ({len(story.conflicts)})**",
        "",
    ]
    lines += [f"- {_escape(conflict.description)}" for conflict in story.conflicts] or [
        "- none: the articles do not disagree on any figure"
    ]
    clusters = [cluster for cluster in story.clusters if cluster.shared][:top_clusters]
    lines += ["", f"**Top quote clusters ({len(clusters)} of {len(story.clusters)})**", ""]
    lines += [
        f"{number}. “{_escape(textwrap.shorten(cluster.text, _QUOTE_WIDTH, placeholder=' …'))}”: "
        f"{_escape(cluster.speaker or 'unknown speaker')}; {len(cluster.sources)} articles "
        f"({_escape(', '.join(cluster.sources))}), {len(cluster.variants)} wordings"
        for number, cluster in enumerate(clusters, start=1)
    ] or ["- no quote is carried by more than one article"]
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _escape_link(link: str) -> str:
    return link.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
