"""Measuring newsrecon against gold data (ECB+)."""
