"""The certificates' admin: listing, actions on one, ZIP exports, transcripts."""
