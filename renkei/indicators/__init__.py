"""Indicators and reports: initiatives, KPIs with baselines, targets and actuals, computed actuals, progress, dashboards, reports."""
