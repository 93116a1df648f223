"""The Streamlit side of the lab (DESIGN §2): fields, links, widgets, jobs, cache,
the page skeleton and figures/ (pure builders); the engine is neuronlab (src/)."""
