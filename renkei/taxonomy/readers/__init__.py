"""Readers turn taxonomy files into `TaxonomyData`: Renkei's starter TOML, job tag's IPD download files
and ESCO CSV files (Tabiya's layout or the ESCO portal's own). They never touch the database."""
