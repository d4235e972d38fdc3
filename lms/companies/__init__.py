"""Companies on the business course: registration, review, members, registry."""
