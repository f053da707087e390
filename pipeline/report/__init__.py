"""The analyst's report: self-contained HTML pages per story, and Markdown summaries for the Dagster UI."""

from pipeline.report.pages import INDEX_NAME, REPORT_TABLES, story_page_name, write_report
from pipeline.report.summary import story_summary_markdown

__all__ = ["INDEX_NAME", "REPORT_TABLES", "story_page_name", "story_summary_markdown", "write_report"]
