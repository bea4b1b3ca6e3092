"""Activity scores: type weights, recency decay, scheduled refresh, explainable breakdown."""
