"""Public transparency figures and open data."""
