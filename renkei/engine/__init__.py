"""PURE: the seeds/needs matching engine (no Django). Its specification is docs/algorithms/matching.md."""
