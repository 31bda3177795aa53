"""Django's SQLite backend as Renkei uses it (see `base`): writers wait their turn, files stay private."""
