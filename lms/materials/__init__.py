"""Course material for offline teaching: documents, stored editions, downloads."""
