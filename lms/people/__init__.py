"""People: accounts (User), persons and their identity documents, passwords."""
