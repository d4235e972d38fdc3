"""Public verification: the pages and JSON API that check a certificate by code."""
