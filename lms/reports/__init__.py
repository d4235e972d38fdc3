"""HR's reports and home panel in the admin: queries, pages, exports."""
