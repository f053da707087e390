"""Claim groups and conflicts: what outlets corroborate and where they disagree."""

import dagster as dg
import pandas as pd

from pipeline.io import table_out
from pipeline.reconcile.conflicts import reconcile_claims


@dg.multi_asset(
    outs={"claim_groups": table_out("claim_groups"), "conflicts": table_out("conflicts")},
    group_name="reconcile",
)
def claims_reconciled(
    claims: pd.DataFrame, stories: pd.DataFrame, articles: pd.DataFrame, source_overlap: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    return reconcile_claims(claims, stories, articles, source_overlap)
