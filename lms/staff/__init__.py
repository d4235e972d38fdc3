"""Staff records and HR's work on them: extension requests, imports, the HR home.

The rest of staff moves in from lms/ later (see ARCHITECTURE.md, "Inside lms/").
"""
