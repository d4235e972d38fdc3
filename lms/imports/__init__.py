"""HR's staff file: its columns, the checked plan of changes, the import pages."""
