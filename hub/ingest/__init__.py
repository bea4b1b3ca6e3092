"""Ingestion: the interaction item shape and the batched writes that store it."""
