"""Staff records and HR's work on them (see ARCHITECTURE.md, "Inside lms/")."""
