"""Old paths of the offline editions, kept for migrations and queued jobs."""
