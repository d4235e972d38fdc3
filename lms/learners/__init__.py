"""The learner's pages: Mis cursos, a course and its lessons, the assessment.

They show rules from several folders (learning, staff obligations, cohorts,
trainers) and ask certificates through a signal, so they sit above those
folders, in one of their own, rather than inside learning.
"""
