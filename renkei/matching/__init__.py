"""Needs and matching: employer surveys and hearings, needs, matching runs, gap analysis, program proposals (the ranking itself is the pure renkei.engine)."""
