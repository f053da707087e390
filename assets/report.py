"""Report: one self-contained HTML page per story, and an index, for analysts who do not read code."""

import dagster as dg
import pandas as pd

from pipeline.report import INDEX_NAME, REPORT_TABLES, story_page_name, story_summary_markdown, write_report
from pipeline.resources import WarehouseResource, WorkersResource

REPORT_FOLDER = "report"
# Stories summarised in the asset's metadata: those with the most conflicts, then the most articles.
SUMMARISED_STORIES = 10


@dg.asset(
    group_name="publish",
    kinds={"html"},
    ins={table: dg.AssetIn(table) for table in REPORT_TABLES},
    description="HTML report per story (articles, timeline, quote variants, figures and conflicts, "
    "entities, shared copy) under `<warehouse>/report/`, readable offline.",
)
def report(
    warehouse: WarehouseResource, workers: WorkersResource, **tables: pd.DataFrame
) -> dg.MaterializeResult:
    folder = warehouse.path / REPORT_FOLDER
    written = write_report(tables, folder, workers.processes_for(len(tables["stories"])))
    views = {story.story_id: story for story in written.stories}
    conflicts = tables["conflicts"]["story_id"].value_counts()
    stories = tables["stories"].assign(conflicts=lambda s: s["story_id"].map(conflicts).fillna(0))
    top = stories.sort_values(["conflicts", "article_count", "story_id"], ascending=[False, False, True])
    metadata: dict[str, object] = {
        "index": dg.MetadataValue.path(str(folder / INDEX_NAME)),
        "pages": len(written.pages),
    }
    for story_id in top["story_id"].head(SUMMARISED_STORIES):
        link = (folder / story_page_name(story_id)).as_uri()
        metadata[f"story {story_id}"] = dg.MetadataValue.md(story_summary_markdown(views[story_id], link))
    return dg.MaterializeResult(metadata=metadata)
