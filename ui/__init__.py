"""Shared by the pages: URL/widget values -> RunConfig, background runs, figures.

Streamlit-free modules (params, presets, runner, figures) are plain functions and classes testable without a browser; `session`
and `controls` hold the Streamlit glue.
"""
