"""Learning: enrolment, progress, the final assessment, completions, learner pages."""
