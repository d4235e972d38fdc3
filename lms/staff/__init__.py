"""Staff: units, staff records, roles and scopes, requirements, assignments.

Only extension requests live here so far; the rest moves in from lms/ later
(see ARCHITECTURE.md, "Inside lms/").
"""
